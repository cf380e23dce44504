/* winner.c - what a tune leaves behind: the winner's config with its provenance, and the machine's facts.
 *
 * How it works: the written config is the base (the user's settings) with the winner's changed options; a float16
 * winner gets its model written next to the original (transform.c). Its provenance says what it was tuned for and
 * how sure the tune is: the tool and date, the model and its sha256, the inputs, ORT, the CPU and GPU (the GPU
 * class is what `ortune merge` matches profiles on), the search, the verdict and the A/B's latencies and speedup.
 * `ortune run` and the runtime's stale check read it back (lib/runtime/provenance.c). */
#include "winner.h"
#include "gpu.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

void ortune_machine_detect(const ortune_config *cfg, ortune_machine *m) {
  memset(m, 0, sizeof *m);
  ortune_cpu_name(m->cpu, sizeof m->cpu);
  m->cores = ortune_cpu_count();
  m->memory_mb = (double)(ortune_host_memory() >> 20);
  snprintf(m->ort_version, sizeof m->ort_version, "%s", OrtGetApiBase()->GetVersionString());
  ortune_gpu g[8];
  int n = ortune_gpu_list(g, 8), dev = atoi(ortune_config_get(cfg, "device_id"));
  if (n <= dev || strcmp(ortune_config_get(cfg, "provider"), "cuda")) return;
  m->has_gpu = 1;
  snprintf(m->gpu.name, sizeof m->gpu.name, "%s", g[dev].name);
  m->gpu.memory_mb = (double)(g[dev].memory_total >> 20);
  snprintf(m->gpu.driver, sizeof m->gpu.driver, "%s", g[dev].driver);
  snprintf(m->gpu.cc, sizeof m->gpu.cc, "%d.%d", g[dev].cc_major, g[dev].cc_minor);
  m->gpu.sm_count = g[dev].sm_count;
  snprintf(m->gpu.cls, sizeof m->gpu.cls, "%s", ortune_gpu_class(&g[dev]));
}

/* Model, machine and search facts. */
static void provenance_facts(const ortune_tuner *t, ortune_config *c) {
  const ortune_results *r = &t->res;
  const ortune_machine *m = &r->machine;
  char buf[256];
  ortune_config_set_provenance(c, "tool", "ortune " ORTUNE_VERSION);
  ortune_config_set_provenance(c, "date", r->date);
  ortune_config_set_provenance(c, "model", r->model_path ? r->model_path : "");
  ortune_config_set_provenance(c, "model_sha256", r->model_sha256);
  ortune_config_set_provenance(c, "inputs", r->input_shapes ? r->input_shapes : "");
  ortune_config_set_provenance(c, "ort_version", m->ort_version);
  ortune_config_set_provenance(c, "cpu", m->cpu);
  snprintf(buf, sizeof buf, "%.0f cores, %.0f MiB", m->cores, m->memory_mb);
  ortune_config_set_provenance(c, "host", buf);
  if (r->has_machine && m->has_gpu) {
    ortune_config_set_provenance(c, "gpu", m->gpu.name);
    snprintf(buf, sizeof buf, "%.0f MiB, driver %s, compute %s", m->gpu.memory_mb, m->gpu.driver, m->gpu.cc);
    ortune_config_set_provenance(c, "gpu_detail", buf);
    ortune_config_set_provenance(c, "gpu_class", m->gpu.cls); /* for `ortune merge`: the profile's match */
  }
  snprintf(buf, sizeof buf, "space %s, strategy %s, objective %s, %d trials", t->o->space, t->o->strategy, t->o->objective,
           r->trials.n);
  ortune_config_set_provenance(c, "search", buf);
}

/* The verdict and the latencies it rests on. */
static void provenance_verdict(const ortune_tuner *t, const ortune_final *f, ortune_config *c) {
  const ortune_trial *base = t->res.trials.n ? t->res.trials.v[0] : NULL;
  char buf[256];
  ortune_config_set_provenance(c, "verdict", f->message);
  double p50 = !isnan(f->baseline_p50_ms) ? f->baseline_p50_ms : base && !isnan(base->p50_ms) ? base->p50_ms : 0;
  double p99 = !isnan(f->baseline_p99_ms) ? f->baseline_p99_ms : base && !isnan(base->p99_ms) ? base->p99_ms : 0;
  snprintf(buf, sizeof buf, "%.4g", p50);
  ortune_config_set_provenance(c, "baseline_p50_ms", buf);
  snprintf(buf, sizeof buf, "%.4g", p99);
  ortune_config_set_provenance(c, "baseline_p99_ms", buf);
  /* what the tune changed, so that `compare --against before` can measure the config without it */
  char tuned[1024] = "";
  size_t n = 0;
  for (int i = 0; f->winner && i < ortune_noptions && n < sizeof tuned; i++)
    if (f->winner->config->value[i]) n += (size_t)snprintf(tuned + n, sizeof tuned - n, "%s%s", n ? " " : "", ortune_options[i].name);
  ortune_config_set_provenance(c, "tuned", tuned);
  if (!f->winner) {
    ortune_config_set_provenance(c, "speedup", "1 (defaults kept)");
    return;
  }
  snprintf(buf, sizeof buf, "%.4g", f->p50_ms);
  ortune_config_set_provenance(c, "p50_ms", buf);
  snprintf(buf, sizeof buf, "%.4g", f->p99_ms);
  ortune_config_set_provenance(c, "p99_ms", buf);
  snprintf(buf, sizeof buf, "%.3f (95%% CI %.3f-%.3f)", f->speedup, f->ci_low, f->ci_high);
  ortune_config_set_provenance(c, "speedup", buf);
}

int ortune_winner_write(const ortune_tuner *t, const ortune_final *f) {
  ortune_config *c = NULL;
  int rc = ortune_config_clone(t->o->base, &c);
  if (rc) return rc;
  if (f->winner) ortune_trial_apply_config(f->winner, c);
  if ((rc = ortune_tune_transform_finish(c, t->o->model, t->o->accuracy))) goto fail_transform; /* a float16 winner */
  provenance_facts(t, c);
  provenance_verdict(t, f, c);
  rc = ortune_config_save(c, t->o->config_path);
  char unused[4096];
  if (!rc && ortune_tune_transform_unused(c, t->o->model, unused, sizeof unused))
    fprintf(stderr, "ortune: note: %s (a float16 model an earlier tune wrote) is not used by %s now; remove it if nothing "
            "else opens it\n", unused, t->o->config_path);
fail_transform:
  ortune_config_release(c);
  return rc;
}
