/* optcache.c - start-up cost: the ORT-optimized model kept between starts (optimized_model_cache: 1).
 *
 * How it works: every session creation runs ORT's graph optimizers over the model (constant folding, fusions,
 * layout changes), which for a large model is a good part of the start-up. With optimized_model_cache: 1 the
 * first start asks ORT to write the graph it optimized (SetOptimizedModelFilePath) to a temp file, renamed into
 * the cache when the session was created; later starts open that file with the optimizers off
 * (ORT_DISABLE_ALL), since its graph is already optimized. The cache file is named by a sha256 over everything
 * the optimized graph depends on: ORT's version, the model file (path, size, mtime, inode), every option value
 * and free-dimension override of the config. Any change gives another name, so a stale file is never used. The
 * directory is $ORTUNE_CACHE_DIR, else $XDG_CACHE_HOME/ortune/optimized, else ~/.cache/ortune/optimized. The
 * cache is an optimisation only: when it cannot be written (read-only home, a model over 1 GiB, whose optimized
 * copy would need external data) or a cached file fails to load, the session is created from the model as
 * without the cache, and `hit` says what happened. ORT's optimized graph can be specific to this machine's CPU and
 * execution provider: the cache lives on the machine, never next to the model. */
#include "internal.h"
#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CACHE_MAX_MODEL_BYTES (1LL << 30)

static int cache_dir(char *out, size_t len) {
  const char *d = getenv("ORTUNE_CACHE_DIR"), *x = getenv("XDG_CACHE_HOME"), *h = getenv("HOME");
  int n;
  if (d && *d) n = snprintf(out, len, "%s", d);
  else if (x && *x) n = snprintf(out, len, "%s/ortune/optimized", x);
  else if (h && *h) n = snprintf(out, len, "%s/.cache/ortune/optimized", h);
  else return -1;
  return n > 0 && (size_t)n < len ? 0 : -1;
}

/* mkdir -p for the cache directory (0700: the cached graphs are the user's). */
static int make_dirs(const char *dir) {
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s", dir);
  for (char *p = tmp + 1; *p; p++)
    if (*p == '/') {
      *p = '\0';
      if (mkdir(tmp, 0700) && errno != EEXIST) return -1;
      *p = '/';
    }
  return mkdir(tmp, 0700) && errno != EEXIST ? -1 : 0;
}

int ortune_optcache_path(const char *model, const ortune_config *cfg, char *out, size_t len) {
  struct stat st;
  char dir[3500], real[4096];
  if (stat(model, &st) || !S_ISREG(st.st_mode) || st.st_size > CACHE_MAX_MODEL_BYTES || cache_dir(dir, sizeof dir)) return -1;
  if (!realpath(model, real)) return -1;
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  if (!ctx) return -1;
  char line[5000];
  EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
  int n = snprintf(line, sizeof line, "ortune-optcache 1\nort %s\nmodel %s %lld %lld.%09ld %llu\n", OrtGetApiBase()->GetVersionString(),
                   real, (long long)st.st_size, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec, (unsigned long long)st.st_ino);
  EVP_DigestUpdate(ctx, line, (size_t)n);
  for (int i = 0; i < ortune_noptions; i++) {
    n = snprintf(line, sizeof line, "%s=%s\n", ortune_options[i].name, ortune_config_value(cfg, i));
    EVP_DigestUpdate(ctx, line, (size_t)n);
  }
  for (int i = 0; i < cfg->nfree; i++) {
    n = snprintf(line, sizeof line, "free %s=%lld\n", cfg->freedim[i].name, (long long)cfg->freedim[i].value);
    EVP_DigestUpdate(ctx, line, (size_t)n);
  }
  unsigned char md[32];
  unsigned mdlen = 0;
  EVP_DigestFinal_ex(ctx, md, &mdlen);
  EVP_MD_CTX_free(ctx);
  char hex[65];
  for (int i = 0; i < 32; i++) snprintf(hex + 2 * i, 3, "%02x", md[i]);
  n = snprintf(out, len, "%s/%s.onnx", dir, hex);
  return n > 0 && (size_t)n < len ? 0 : -1;
}

int ortune_optcache_prepare(const char *path, char *tmp, size_t len) {
  char dir[4096];
  snprintf(dir, sizeof dir, "%s", path);
  char *slash = strrchr(dir, '/');
  if (slash) *slash = '\0';
  int n = snprintf(tmp, len, "%s.tmp.%ld", path, (long)getpid());
  return n > 0 && (size_t)n < len && make_dirs(dir) == 0 && access(dir, W_OK) == 0 ? 0 : -1;
}

/* A file's sha256, remembered beside the optimized graphs as <sha256 of its real path>.sha256 with the size, mtime
 * (ns) and inode it was computed for: a restart re-hashes a model only when one of those changed, so the stale
 * check and the model_override check cost a stat, not a read of the whole model, on every start. Without a
 * writable cache it hashes every time. */
int ortune_sha256_file_cached(const char *path, char hex[65]) {
  struct stat st;
  char dir[3500], real[4096], key[65], memo[4200], line[256];
  if (stat(path, &st) || !S_ISREG(st.st_mode) || cache_dir(dir, sizeof dir) || !realpath(path, real))
    return ortune_sha256_file(path, hex);
  unsigned char md[32];
  unsigned mdlen = 0;
  EVP_Digest(real, strlen(real), md, &mdlen, EVP_sha256(), NULL);
  for (int i = 0; i < 32; i++) snprintf(key + 2 * i, 3, "%02x", md[i]);
  snprintf(memo, sizeof memo, "%s/%s.sha256", dir, key);
  char want[160];
  snprintf(want, sizeof want, "v1 %lld %lld.%09ld %llu ", (long long)st.st_size, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
           (unsigned long long)st.st_ino);
  FILE *f = fopen(memo, "r");
  if (f) {
    int ok = fgets(line, sizeof line, f) && !strncmp(line, want, strlen(want)) && strlen(line) >= strlen(want) + 64;
    fclose(f);
    if (ok) {
      memcpy(hex, line + strlen(want), 64);
      hex[64] = '\0';
      int valid = 1;
      for (int i = 0; i < 64; i++) valid &= (hex[i] >= '0' && hex[i] <= '9') || (hex[i] >= 'a' && hex[i] <= 'f');
      if (valid) return ORTUNE_OK;
    }
  }
  int rc = ortune_sha256_file(path, hex);
  if (rc || make_dirs(dir)) return rc;
  int n = snprintf(line, sizeof line, "%s%s\n", want, hex);
  char tmp[4300];
  snprintf(tmp, sizeof tmp, "%s.tmp.%ld", memo, (long)getpid());
  FILE *w = fopen(tmp, "w");
  if (w) {
    int bad = fwrite(line, 1, (size_t)n, w) != (size_t)n;
    bad |= fclose(w) != 0;
    if (bad || rename(tmp, memo)) unlink(tmp);
  }
  return ORTUNE_OK;
}
