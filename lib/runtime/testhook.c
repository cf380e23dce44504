/* testhook.c - the test-only environment variables, read in one place.
 *
 * How it works: each ORTUNE_TEST_* variable stands in for something the tests cannot make happen otherwise (a full
 * disk, a signal mid-write, other hardware, a crash, an OOM kill, a slower or wrong config); internal.h lists them
 * all in one X-macro table with what each does, and ortune_test_hook() is the only reader of the environment for
 * them. Production never sets them: an unset or empty variable is NULL, and every caller then does what it does
 * without the hook. tests/cli_symbols.sh checks that no other source reads an ORTUNE_TEST_ variable.
 */
#include "internal.h"
#include <stdlib.h>

const char *ortune_test_hook(ortune_test_hook_id id) {
  static const char *const names[ORTUNE_TEST_HOOK_COUNT] = {
#define X(name, doc) "ORTUNE_TEST_" #name,
      ORTUNE_TEST_HOOKS(X)
#undef X
  };
  if ((int)id < 0 || id >= ORTUNE_TEST_HOOK_COUNT) return NULL;
  const char *v = getenv(names[id]);
  return v && *v ? v : NULL;
}
