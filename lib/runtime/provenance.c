/* provenance.c - is a config stale here? It compares what a config records about where it was tuned (provenance:
 * model sha256, ORT version, CPU, GPU) with this machine and model, and says the first difference in one line.
 * Depends on config (the provenance values), util (sha256, CPU name) and gpu (the GPU list); nothing depends on it
 * but the callers of ortune_config_check_stale. */
#include "internal.h"
#include <stdlib.h>
#include <string.h>

int ortune_config_check_stale(const ortune_config *cfg, const char *model_path, char *why, size_t whylen) {
  int bad = 0;
  const char *want;
  if (why && whylen) why[0] = '\0';
#define STALE(...)                                           \
  do {                                                       \
    if (!bad++ && why) snprintf(why, whylen, __VA_ARGS__);  \
  } while (0)
  if ((want = ortune_config_provenance(cfg, "model_sha256")) && model_path) {
    char hex[65];
    if (ortune_sha256_file(model_path, hex) == ORTUNE_OK && strcmp(hex, want))
      STALE("it was tuned for another model (sha256 %.12s..., this one is %.12s...)", want, hex);
  }
  if ((want = ortune_config_provenance(cfg, "ort_version"))) {
    const char *have = OrtGetApiBase()->GetVersionString();
    if (strcmp(have, want)) STALE("it was tuned with ONNX Runtime %s, this is %s", want, have);
  }
  if ((want = ortune_config_provenance(cfg, "cpu"))) {
    char cpu[256];
    ortune_cpu_name(cpu, sizeof cpu);
    if (strcmp(cpu, want)) STALE("it was tuned on CPU '%s', this is '%s'", want, cpu);
  }
  if ((want = ortune_config_provenance(cfg, "gpu")) && *want) {
    ortune_gpu g[8];
    int n = ortune_gpu_list(g, 8), dev = atoi(ortune_config_get(cfg, "device_id"));
    const char *have = dev < n ? g[dev].name : "no GPU";
    if (strcmp(have, want)) STALE("it was tuned on GPU '%s', this is '%s'", want, have);
  }
#undef STALE
  return bad;
}
