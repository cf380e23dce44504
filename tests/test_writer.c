/* test_writer.c - unit tests for the config writer's file handling (ortune_config_save through ortune_write_atomic in
 * lib/runtime/util.c): an existing file keeps its mode and, as root, its owner and group; a new file honours the
 * umask (0666 & ~umask); a symlinked config.yaml updates its target and stays a symlink (also when the link is
 * relative and lives in another directory, and when it dangles); no temp file is left beside either. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "internal.h"
#include "testutil.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

TESTUTIL_TMPDIR("writer")

static const char *user_text = "# mine\nservice:\n  name: ocr\n";

static ortune_config *sample(void) {
  ortune_config *c;
  assert_int_equal(ortune_config_new(&c), ORTUNE_OK);
  assert_int_equal(ortune_config_set(c, "intra_op_num_threads", "2"), ORTUNE_OK);
  return c;
}

static void save_ok(const char *path) {
  ortune_config *c = sample();
  int rc = ortune_config_save(c, path);
  if (rc) fail_msg("save %s: %s", path, ortune_last_error());
  ortune_config_release(c);
}

/* Entries of dir whose name holds ".tmp." (a writer's leftovers). */
static int temps_in(const char *dir) {
  DIR *d = opendir(dir);
  assert_non_null(d);
  int n = 0;
  for (struct dirent *e; (e = readdir(d));) n += strstr(e->d_name, ".tmp.") != NULL;
  closedir(d);
  return n;
}

static void assert_saved(const char *path) {
  char *txt = (char *)slurp_bytes(path, NULL);
  if (!strstr(txt, "intra_op_num_threads: 2") || !strstr(txt, "# mine")) fail_msg("%s holds: %s", path, txt);
  free(txt);
}

static void test_keeps_mode(void **state) {
  (void)state;
  const char *p = tmp_path("mode.yaml");
  write_text(p, user_text);
  assert_int_equal(chmod(p, 0604), 0);
  save_ok(p);
  struct stat st;
  assert_int_equal(stat(p, &st), 0);
  assert_int_equal(st.st_mode & 07777, 0604);
  assert_saved(p);
}

static void test_new_file_honours_umask(void **state) {
  (void)state;
  static const mode_t masks[] = {077, 022, 002, 027};
  for (size_t i = 0; i < sizeof masks / sizeof *masks; i++) {
    char name[32];
    snprintf(name, sizeof name, "new%zu.yaml", i);
    const char *p = tmp_path(name);
    mode_t old = umask(masks[i]);
    save_ok(p);
    umask(old);
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    if ((st.st_mode & 07777) != (0666 & ~masks[i]))
      fail_msg("umask %03o: new file mode %04o, want %04o", (unsigned)masks[i], (unsigned)(st.st_mode & 07777),
               (unsigned)(0666 & ~masks[i]));
  }
  assert_int_equal(temps_in(tmpdir), 0);
}

static void test_root_keeps_owner(void **state) {
  (void)state;
  if (geteuid() != 0) skip();
  const char *p = tmp_path("owned.yaml");
  write_text(p, user_text);
  assert_int_equal(chown(p, 4321, 8765), 0);
  assert_int_equal(chmod(p, 0640), 0);
  save_ok(p);
  struct stat st;
  assert_int_equal(stat(p, &st), 0);
  assert_int_equal(st.st_uid, 4321);
  assert_int_equal(st.st_gid, 8765);
  assert_int_equal(st.st_mode & 07777, 0640);
  assert_saved(p);
}

static void test_symlink_updates_target(void **state) {
  (void)state;
  const char *dir = tmp_path("real");
  assert_int_equal(mkdir(dir, 0755), 0);
  write_text(tmp_path("real/config.yaml"), user_text);
  const char *link = tmp_path("link.yaml");
  assert_int_equal(symlink("real/config.yaml", link), 0); /* relative: resolved from the link's directory */
  save_ok(link);
  struct stat ls;
  assert_int_equal(lstat(link, &ls), 0);
  assert_true(S_ISLNK(ls.st_mode));
  assert_saved(tmp_path("real/config.yaml"));
  assert_int_equal(temps_in(tmpdir), 0);
  assert_int_equal(temps_in(dir), 0);
  /* a chain of links */
  const char *link2 = tmp_path("link2.yaml");
  assert_int_equal(symlink("link.yaml", link2), 0);
  save_ok(link2);
  assert_int_equal(lstat(link2, &ls), 0);
  assert_true(S_ISLNK(ls.st_mode));
  assert_int_equal(lstat(link, &ls), 0);
  assert_true(S_ISLNK(ls.st_mode));
}

static void test_dangling_symlink_creates_target(void **state) {
  (void)state;
  const char *link = tmp_path("dangling.yaml");
  assert_int_equal(symlink("target.yaml", link), 0);
  ortune_config *c = sample();
  assert_int_equal(ortune_config_save(c, link), ORTUNE_OK);
  ortune_config_release(c);
  struct stat ls;
  assert_int_equal(lstat(link, &ls), 0);
  assert_true(S_ISLNK(ls.st_mode));
  assert_int_equal(stat(tmp_path("target.yaml"), &ls), 0);
  assert_true(S_ISREG(ls.st_mode));
}

static void test_symlink_loop_fails(void **state) {
  (void)state;
  const char *a = tmp_path("loop_a.yaml"), *b = tmp_path("loop_b.yaml");
  assert_int_equal(symlink("loop_b.yaml", a), 0);
  assert_int_equal(symlink("loop_a.yaml", b), 0);
  assert_int_equal(ortune_write_atomic(a, "x", 1), ORTUNE_EIO);
  assert_null(strchr(ortune_last_error(), '\n'));
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_keeps_mode),
    cmocka_unit_test(test_new_file_honours_umask),
    cmocka_unit_test(test_root_keeps_owner),
    cmocka_unit_test(test_symlink_updates_target),
    cmocka_unit_test(test_dangling_symlink_creates_target),
    cmocka_unit_test(test_symlink_loop_fails),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
