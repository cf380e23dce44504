/* fp16.h - float32 -> float16 conversion of an ONNX model (a model transform the tuner searches; CLI: ortune convert). */
#ifndef ORTUNE_FP16_H
#define ORTUNE_FP16_H
#include <stddef.h>

/* Operators kept in float32 unless --keep-fp32 says otherwise: no float16 kernel in ORT's CUDA EP (Range,
 * RoiAlign, NonMaxSuppression's boxes), random generators (their dtype attribute) and quantization (scales stay
 * float32), EyeLike (no float16 kernel on ORT's CPU). Nodes of other domains than ONNX's (ai.onnx.ml, com.microsoft,
 * model-local functions) and ops whose standard types allow float32 only (ORTUNE_FP16_KEEP_ALWAYS) are always kept. */
#define ORTUNE_FP16_KEEP_ALWAYS                                                                                       \
  "Celu,IsInf,MeanVarianceNormalization,DynamicQuantizeLinear,QLinearConv,QLinearMatMul"
#define ORTUNE_FP16_KEEP_DEFAULT                                                                                      \
  "NonMaxSuppression,RoiAlign,Range,RandomNormal,RandomUniform,RandomNormalLike,RandomUniformLike,Multinomial,"      \
  "Bernoulli,EyeLike,QuantizeLinear,DequantizeLinear"

/* The metadata_props key marking a model this converter wrote (value "fp16"). */
#define ORTUNE_FP16_MARK "ortune.transform"

typedef struct {
  int keep_io_fp32;     /* 1 (default): the model's inputs and outputs stay float32, Casts at the boundary */
  const char *keep_ops; /* comma-separated op types kept float32 (Casts around them); NULL: ORTUNE_FP16_KEEP_DEFAULT */
} ortune_fp16_opts;

typedef struct {
  int already;          /* the input carries ORTUNE_FP16_MARK: copied unchanged */
  size_t initializers;  /* float32 initializers converted */
  size_t constants;     /* Constant / ConstantOfShape values converted */
  size_t casts;         /* Cast nodes inserted */
  size_t kept;          /* nodes left in float32 */
  size_t subgraphs;     /* If/Loop/Scan bodies converted */
  size_t clamped;       /* values beyond float16's range clamped to +-65504 (Clip/Min/Max bounds; other readers of such
                           weights are kept float32 instead) */
} ortune_fp16_stats;

void ortune_fp16_opts_default(ortune_fp16_opts *o);
/* Convert a serialized ModelProto; *out is malloc'ed. EMODEL: not a model; EUNSUPPORTED: external data, sparse
 * float initializers, or no float32 tensor to convert; all with a one-line reason. */
int ortune_fp16_convert_buf(const void *in, size_t len, const ortune_fp16_opts *o, void **out, size_t *outlen,
                            ortune_fp16_stats *st);
/* The same from file to file; out is written atomically and may not be the input. */
int ortune_fp16_convert_file(const char *in, const char *out, const ortune_fp16_opts *o, ortune_fp16_stats *st);
/* float32 <-> IEEE float16 bits (round to nearest even; finite values beyond the range clamp to +-65504). */
unsigned short ortune_f32_to_f16(float f, int *clamped);
float ortune_f16_to_f32(unsigned short h);
#endif
