/* verify.h - output checks of the tuner against an exact float32 reference (internal; see verify.c). */
#ifndef ORTUNE_VERIFY_H
#define ORTUNE_VERIFY_H
#include "harness.h"
#include <cjson/cJSON.h>

/* The error of one output against the reference, over one input set. */
typedef struct {
  double max_abs;      /* max |got - ref| over elements where both are finite */
  double max_rel;      /* max |got - ref| / |ref| over those with ref != 0 */
  double norm;         /* floats: max_abs / max|ref| (scale-aware); other dtypes: fraction of elements that differ */
  double scale;        /* max|ref| over finite elements (floats) */
  size_t nonfinite;    /* got NaN/Inf where the reference is finite */
  size_t special_diff; /* the reference is NaN/Inf and got is not the same */
  size_t tol_fail;     /* elements outside the user's atol + rtol*|ref| (when given) */
  int bad_shape;       /* dtype or shape differs from the reference: nothing else measured */
} ortune_verr;

/* What one output of a candidate got. Worst first: the order decides which set is reported. */
typedef enum {
  ORTUNE_V_MORE_EXACT, /* smaller error than the defaults' */
  ORTUNE_V_OK,         /* within max(2 x the defaults' error, the float32 floor) */
  ORTUNE_V_WORSE,      /* materially less exact than the defaults */
  ORTUNE_V_TOLERANCE,  /* outside the user's --atol/--rtol */
  ORTUNE_V_NONFINITE,  /* NaN/Inf where the reference is finite */
  ORTUNE_V_SHAPE,      /* dtype or shape differs, or the output is missing */
} ortune_verdict;
const char *ortune_verdict_name(ortune_verdict v);
static inline int ortune_verdict_rejects(ortune_verdict v) { return v >= ORTUNE_V_WORSE; }

/* The rounding floor of the acceptance rule, as a fraction of the output's scale (max|ref|); the floor is never
 * below ortune_verify_unit_floor in absolute terms. */
double ortune_verify_floor(int dtype);
/* The absolute part of the floor: 8 ulps of 1.0 in the dtype (0 for integers). */
double ortune_verify_unit_floor(int dtype);
/* Measure got against ref. user_rtol/user_atol < 0: not given (then tol_fail stays 0). A missing atol with a
 * given rtol is the floor x max|ref|, a missing rtol with a given atol is 0. */
void ortune_verify_error(const ortune_tensor *got, const ortune_tensor *ref, double user_rtol, double user_atol, ortune_verr *e);
/* The acceptance rule: cand is acceptable when cand.norm <= max(2 x def.norm, floor(dtype), unit_floor(dtype) / scale),
 * it has no NaN/Inf where
 * the reference is finite, no more mismatched NaN/Inf than the defaults, and (given a user tolerance) no element
 * outside it. *allowed gets the bound on cand.norm. */
ortune_verdict ortune_verify_judge(const ortune_verr *cand, const ortune_verr *def, int dtype, double *allowed);
/* Is the reference a weak check (near-zero or near-constant on these inputs)? 1 with a reason in why. */
int ortune_verify_weak(const ortune_tensor *ref, char *why, size_t len);

/* Random operators in the model file (default domain; graph, subgraphs and functions): their names in ops
 * ("RandomNormalLike, Dropout (training_mode)"), empty when none. Reads the file without ORT. */
int ortune_model_random_ops(const char *path, char *ops, size_t len);

/* ---- the tuner's check ---- */
enum { ORTUNE_CHECK_EXACT, ORTUNE_CHECK_DEFAULTS, ORTUNE_CHECK_SHAPES };
#define ORTUNE_VERIFY_MAX 256 /* (input set, output) pairs */
typedef struct {
  int set, index, dtype;
  char name[128];
  ortune_verr def; /* the defaults' error against the reference */
  int weak;
} ortune_verify_out;
typedef struct {
  int mode;                /* EXACT: against the CPU float32 reference; DEFAULTS: its run failed, against the
                              defaults' outputs with ortune_config_tol; SHAPES: random operators */
  double rtol, atol;       /* the user's (< 0: not given) */
  int nsets, n;
  char dir[512];           /* the reference's outputs (EXACT) or the defaults' (other modes) */
  char defdir[512];        /* the defaults' outputs */
  char side[256];          /* what the reasons call that side: "defaults" (setup), or compare's --against */
  ortune_verify_out out[ORTUNE_VERIFY_MAX];
} ortune_verify;

/* The set directories below a trial's output dir: "" (the main inputs), "/set2", "/shape1"... */
void ortune_verify_set_dir(int set, char *buf, size_t len);
/* The trial spec of the reference run: the model on the CPU EP, 1 intra-op thread, the same input sets as the
 * trials (spec, second random set, extra shapes), outputs into out_dir. Caller deletes. */
cJSON *ortune_verify_reference_spec(const char *model, const ortune_config *base, const ortune_input_spec *spec,
                                    const ortune_input_spec *extra, int nextra, const char *out_dir);
/* Set up the check: mode, the defaults' error per output (defaults_dir: the baseline's outputs), weak checks.
 * Fills info (the results' "reference" object) and prints note and one line per finding to log (NULL: silent). */
int ortune_verify_setup(ortune_verify *v, int mode, const char *ref_dir, const char *defaults_dir, int nsets,
                        double rtol, double atol, const char *note, cJSON *info, FILE *log);
/* Runs `ortune _trial SPEC RESULT` with a time limit: the wait status, -1 on timeout, -2 on interrupt. */
typedef int (*ortune_spawn_fn)(void *ctx, const char *spec, const char *res, const char *log, double timeout);
/* All of the above for a tune: the random-operator scan, the reference run in a child (in work/exact; the
 * defaults' outputs are in work/ref), the fallback when it fails, and setup. ORTUNE_EINTR when interrupted. */
int ortune_verify_prepare(ortune_verify *v, const char *model, const ortune_config *base, const ortune_input_spec *spec,
                          const ortune_input_spec *extra, int nextra, double rtol, double atol, double timeout,
                          const char *work, ortune_spawn_fn spawn, void *ctx, cJSON *info, FILE *log);
/* The same with the reference side's outputs in defaults_dir and nsets input sets checked (compare: the A/B's
 * first session kept the main set's outputs of each config, dir/cK). */
int ortune_verify_prepare_ex(ortune_verify *v, const char *model, const ortune_config *base, const ortune_input_spec *spec,
                             const ortune_input_spec *extra, int nextra, const char *defaults_dir, int nsets, double rtol,
                             double atol, double timeout, const char *work, ortune_spawn_fn spawn, void *ctx, cJSON *info,
                             FILE *log);
/* Check a candidate's outputs in dir: per output "outputs" in tr ({name, set, default_err, cand_err, allowed,
 * verdict}), max_abs_err/max_rel_err, and a "reason" when rejected. Returns 1 when rejected. */
int ortune_verify_check(const ortune_verify *v, const char *dir, cJSON *tr);
#endif
