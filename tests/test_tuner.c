/* test_tuner.c - which trials count (lib/tune/tuner.c): --max-slowdown keeps a candidate whose runs are slower than
 * the defaults' by more than the ratio out of the finalists, whatever its start-up; unknown latency does not pass
 * a set limit; no limit, no effect. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include "tuner.h"

static ortune_trial *trial_p50(double p50) {
  ortune_trial *tr = NULL;
  assert_int_equal(ortune_trial_new(&tr), ORTUNE_OK);
  tr->status = ORTUNE_TRIAL_OK;
  tr->p50_ms = p50;
  tr->create_ms = 50;
  tr->first_run_ms = 40;
  return tr;
}

static void test_max_slowdown(void **state) {
  (void)state;
  ortune_tune_opts o;
  ortune_tune_opts_default(&o);
  o.objective = "startup";
  o.max_slowdown = 1.25;
  ortune_tuner t = {.o = &o, .base_p50 = 2.0};
  ortune_trial *fast = trial_p50(2.4), *slow = trial_p50(2.6), *unknown = trial_p50(NAN);
  assert_true(ortune_tuner_eligible(&t, fast));    /* 1.2x the defaults' p50: within 1.25 */
  assert_false(ortune_tuner_eligible(&t, slow));   /* 1.3x: out, however fast it starts */
  assert_false(ortune_tuner_eligible(&t, unknown)); /* no p50: cannot show it keeps the limit */
  t.base_p50 = NAN;                                 /* no baseline p50 yet: the limit cannot be judged */
  assert_true(ortune_tuner_eligible(&t, slow));
  t.base_p50 = 2.0;
  o.max_slowdown = 0;                               /* no limit */
  assert_true(ortune_tuner_eligible(&t, slow));
  slow->status = ORTUNE_TRIAL_CRASH;                /* a trial that did not run never counts */
  assert_false(ortune_tuner_eligible(&t, slow));
  ortune_trial_release(fast);
  ortune_trial_release(slow);
  ortune_trial_release(unknown);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_max_slowdown)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
