/* provenance.c - what a config records about where it was tuned (provenance: model sha256, ORT version, CPU, GPU),
 * read back: ortune_config_check_stale compares it with this machine and model and says the first difference in one
 * line; ortune_match_from_provenance turns it into the profile match of the machine it names (profiles.c selects
 * with such matches). Depends on config (the provenance values), util (sha256, CPU name) and gpu (the GPU list and
 * class); config.c does not call it, so config and profiles stay below it. */
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
    if (ortune_sha256_file_cached(model_path, hex) == ORTUNE_OK && strcmp(hex, want))
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

int ortune_match_from_provenance(const ortune_config *cfg, ortune_profile_match *m) {
  memset(m, 0, sizeof *m);
  const char *gpu = ortune_config_provenance(cfg, "gpu"), *detail = ortune_config_provenance(cfg, "gpu_detail");
  const char *cpu = ortune_config_provenance(cfg, "cpu"), *host = ortune_config_provenance(cfg, "host");
  if (gpu && *gpu && !strcmp(ortune_config_get(cfg, "provider"), "cuda")) {
    snprintf(m->gpu, sizeof m->gpu, "%s", gpu);
    const char *c = detail ? strstr(detail, "compute ") : NULL;
    int maj, min;
    if (c && sscanf(c + 8, "%d.%d", &maj, &min) == 2) snprintf(m->cc, sizeof m->cc, "%d.%d", maj, min);
    double mib = detail ? atof(detail) : 0;
    const char *cls = ortune_config_provenance(cfg, "gpu_class");
    if (cls && *cls) snprintf(m->gpu_class, sizeof m->gpu_class, "%s", cls);
    else if (mib > 0) {
      ortune_gpu g = {.memory_total = (uint64_t)(mib * 1048576.0), .sm_count = -1};
      snprintf(m->gpu_class, sizeof m->gpu_class, "%s", ortune_gpu_class(&g));
    }
    return 1;
  }
  if (cpu && *cpu) {
    m->is_cpu = 1;
    snprintf(m->cpu, sizeof m->cpu, "%s", cpu);
    if (host) m->cores = atoi(host);
    return 1;
  }
  return 0;
}
