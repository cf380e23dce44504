/* profiles.c - per-machine profiles of the onnxruntime: section: who this machine is, and which profile fits it.
 *
 * How it works: a config may hold `profiles:`, each with a `match:` naming the hardware it was tuned on (a GPU by
 * name, compute capability and the seed guide's class; or a CPU by model and core count). ortune_device_identify()
 * describes the machine running now: a GPU when the CUDA EP loads and NVML lists one (device_id picks which), else
 * the CPU. ortune_profile_select() applies the documented rule (docs/config.md, "Profiles"): on a GPU the profile
 * with the same GPU name, else one with the same compute capability and class, else the default (the section's
 * top-level keys); on a CPU-only machine the cpu profile with the same model and cores, then the same model, then
 * any cpu profile, then the default. It returns the choice and a one-line reason. The YAML side (parsing, writing a
 * profile back) lives in config.c. ORTUNE_TEST_GPU ("NAME;CC[;MEM_GIB[;SMS]]" or "none") and ORTUNE_TEST_CPU
 * (a CPU model name; cores from ORTUNE_TEST_CPUS) stand in for the hardware in tests only. */
#include "internal.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* "NAME;CC[;MEM_GIB[;SMS]]" -> g; 0 on success. */
static int parse_test_gpu(const char *s, ortune_gpu *g) {
  char buf[256];
  snprintf(buf, sizeof buf, "%s", s);
  memset(g, 0, sizeof *g);
  g->cc_major = g->cc_minor = g->sm_count = -1;
  char *save = NULL, *name = strtok_r(buf, ";", &save), *cc = strtok_r(NULL, ";", &save);
  char *mem = strtok_r(NULL, ";", &save), *sms = strtok_r(NULL, ";", &save);
  if (!name || !cc || sscanf(cc, "%d.%d", &g->cc_major, &g->cc_minor) != 2) return -1;
  snprintf(g->name, sizeof g->name, "%s", name);
  if (mem) g->memory_total = (uint64_t)(atof(mem) * 1073741824.0);
  if (sms) g->sm_count = atoi(sms);
  return 0;
}

static void fill_gpu(ortune_device_identity *d, const ortune_gpu *g, int class_known) {
  d->gpu = 1;
  snprintf(d->gpu_name, sizeof d->gpu_name, "%s", g->name);
  snprintf(d->cc, sizeof d->cc, "%d.%d", g->cc_major, g->cc_minor);
  snprintf(d->gpu_class, sizeof d->gpu_class, "%s", class_known ? ortune_gpu_class(g) : "");
}

int ortune_device_identify(int device_id, ortune_device_identity *d) {
  memset(d, 0, sizeof *d);
  ortune_cpu_name(d->cpu, sizeof d->cpu);
  d->cores = ortune_cpu_count();
  const char *fake = ortune_test_hook(ORTUNE_TEST_HOOK_GPU); /* test-only: docs/config.md */
  if (fake) {
    ortune_gpu g;
    d->simulated = 1;
    if (!strcmp(fake, "none")) {
      snprintf(d->why, sizeof d->why, "no GPU (simulated: ORTUNE_TEST_GPU=none)");
      return ORTUNE_OK;
    }
    if (parse_test_gpu(fake, &g))
      return ortune_set_error(ORTUNE_EUSAGE, "ORTUNE_TEST_GPU='%s': write it as NAME;CC[;MEM_GIB[;SMS]] or none (tests only)", fake);
    fill_gpu(d, &g, g.memory_total > 0);
    return ORTUNE_OK;
  }
  char why[512];
  if (ortune_cuda_probe(why, sizeof why) != ORTUNE_OK) {
    char *cut = strstr(why, ": "); /* the problem, without the remedy */
    if (cut) *cut = '\0';
    snprintf(d->why, sizeof d->why, "the CUDA EP is unavailable: %.200s", why);
    return ORTUNE_OK;
  }
  ortune_gpu g[16];
  int n = ortune_gpu_list(g, 16);
  if (device_id < 0 || device_id >= n) {
    snprintf(d->why, sizeof d->why, n ? "device_id %d is not among the %d GPUs NVML lists" : "NVML lists no GPU", device_id, n);
    return ORTUNE_OK;
  }
  fill_gpu(d, &g[device_id], 1);
  return ORTUNE_OK;
}

void ortune_device_describe(const ortune_device_identity *d, char *buf, size_t len) {
  if (d->gpu)
    snprintf(buf, len, "GPU '%s' (compute %s%s%s)", d->gpu_name, d->cc, d->gpu_class[0] ? ", class " : "", d->gpu_class);
  else
    snprintf(buf, len, "CPU '%s' (%d cores; %s)", d->cpu, d->cores, d->why);
}

/* ---- matching ------------------------------------------------------------------------------------- */

void ortune_match_describe(const ortune_profile_match *m, char *buf, size_t len) {
  if (m->is_cpu) {
    char cores[32] = "";
    if (m->cores) snprintf(cores, sizeof cores, ", %d cores", m->cores);
    snprintf(buf, len, "cpu '%s'%s", m->cpu[0] ? m->cpu : "any", cores);
  } else {
    snprintf(buf, len, "gpu '%s'%s%s%s%s", m->gpu[0] ? m->gpu : "any", m->cc[0] ? ", compute " : "", m->cc,
             m->gpu_class[0] ? ", class " : "", m->gpu_class);
  }
}

static int same_machine_gpu(const ortune_profile_match *a, const ortune_profile_match *b) {
  return a->gpu[0] && !strcmp(a->gpu, b->gpu) && !strcmp(a->cc, b->cc);
}

int ortune_match_same_machine(const ortune_profile_match *a, const ortune_profile_match *b) {
  if (a->is_cpu != b->is_cpu) return 0;
  if (!a->is_cpu) return same_machine_gpu(a, b);
  return !strcmp(a->cpu, b->cpu) && a->cores == b->cores;
}

/* How well profile m fits device d (higher is better, 0: not at all) and the reason. */
static int score(const ortune_profile_match *m, const ortune_device_identity *d, char *why, size_t len) {
  if (d->gpu) {
    if (m->is_cpu) return 0;
    if (m->gpu[0] && !strcmp(m->gpu, d->gpu_name)) {
      snprintf(why, len, "exact GPU name '%s'", d->gpu_name);
      return 7;
    }
    int class_ok = !m->gpu_class[0] || !d->gpu_class[0] || !strcmp(m->gpu_class, d->gpu_class);
    if (m->cc[0] && !strcmp(m->cc, d->cc) && class_ok) {
      snprintf(why, len, "same compute capability %s and class %s as this GPU '%s' (tuned on '%s')", d->cc,
               m->gpu_class[0] ? m->gpu_class : d->gpu_class[0] ? d->gpu_class : "(unknown)", d->gpu_name,
               m->gpu[0] ? m->gpu : "?");
      return 6;
    }
    return 0;
  }
  if (!m->is_cpu) return 0;
  int model = m->cpu[0] && !strcmp(m->cpu, d->cpu), cores = !m->cores || m->cores == d->cores;
  if (model && cores) {
    snprintf(why, len, "same CPU model '%s'%s", d->cpu, m->cores ? " and core count" : " (the profile names no core count)");
    return 5;
  }
  if (model) {
    snprintf(why, len, "same CPU model '%s' (tuned with %d cores, this machine has %d)", d->cpu, m->cores, d->cores);
    return 4;
  }
  if (!m->cpu[0]) {
    snprintf(why, len, "a cpu profile for any CPU model%s (this CPU '%s', %d cores)", cores ? "" : " (other core count)",
             d->cpu, d->cores);
    return cores ? 3 : 2;
  }
  snprintf(why, len, "a cpu profile (tuned on '%s'); no profile has this CPU '%s'", m->cpu, d->cpu);
  return 1;
}

static void names_present(const ortune_profile_entry *p, int n, char *buf, size_t len) {
  size_t k = 0;
  buf[0] = '\0';
  for (int i = 0; i < n && k < len; i++) {
    char m[256];
    ortune_match_describe(&p[i].match, m, sizeof m);
    int w = snprintf(buf + k, len - k, "%s%s (%s)", i ? ", " : "", p[i].name, m);
    if (w < 0) break;
    k += (size_t)w;
  }
}

int ortune_profile_select(const ortune_profile_entry *p, int n, int has_default, const ortune_device_identity *d,
                          const char *path, char *why, size_t whylen) {
  int best = -1, bs = 0;
  char reason[400], r[400];
  for (int i = 0; i < n; i++) {
    int s = score(&p[i].match, d, r, sizeof r);
    if (s > bs) { /* ties: the first in the file */
      bs = s;
      best = i;
      snprintf(reason, sizeof reason, "%s", r);
    }
  }
  char here[400];
  ortune_device_describe(d, here, sizeof here);
  if (best >= 0) {
    snprintf(why, whylen, "%s%s", reason, d->simulated ? " [simulated device]" : "");
    return best;
  }
  if (has_default) {
    snprintf(why, whylen, "no profile matches this %s: the default (the section's top-level keys)", here);
    return -1;
  }
  char list[1024];
  names_present(p, n, list, sizeof list);
  ortune_set_error(ORTUNE_ECONFIG, "%s: no profile fits this %s and the onnxruntime: section has no default (top-level "
                   "keys); profiles present: %s: tune here (ortune tune --profile auto) or add default keys", path, here, list);
  return -2;
}

/* ---- names and matches for a machine ------------------------------------------------------------- */

void ortune_profile_auto_name(const ortune_profile_match *m, char *buf, size_t len) {
  char raw[320];
  if (m->is_cpu && m->cores) snprintf(raw, sizeof raw, "cpu-%s-%dc", m->cpu, m->cores);
  else if (m->is_cpu) snprintf(raw, sizeof raw, "cpu-%s", m->cpu);
  else snprintf(raw, sizeof raw, "%s", m->gpu[0] ? m->gpu : "gpu");
  size_t k = 0;
  int dash = 1;
  for (const char *c = raw; *c && k + 1 < len && k < ORTUNE_PROFILE_NAME - 1; c++) {
    if (isalnum((unsigned char)*c)) {
      buf[k++] = (char)tolower((unsigned char)*c);
      dash = 0;
    } else if (!dash) {
      buf[k++] = '-';
      dash = 1;
    }
  }
  while (k && buf[k - 1] == '-') k--;
  buf[k] = '\0';
  if (!k) snprintf(buf, len, "%s", m->is_cpu ? "cpu" : "gpu");
}

void ortune_match_from_device(const ortune_device_identity *d, int gpu, ortune_profile_match *m) {
  memset(m, 0, sizeof *m);
  if (gpu && d->gpu) {
    snprintf(m->gpu, sizeof m->gpu, "%s", d->gpu_name);
    snprintf(m->cc, sizeof m->cc, "%s", d->cc);
    snprintf(m->gpu_class, sizeof m->gpu_class, "%s", d->gpu_class);
  } else {
    m->is_cpu = 1;
    snprintf(m->cpu, sizeof m->cpu, "%s", d->cpu);
    m->cores = d->cores;
  }
}
