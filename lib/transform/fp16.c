/* fp16.c - float32 -> float16 conversion of an ONNX model over its protobuf (protobuf-c, onnx.proto from Debian).
 *
 * How it works: the ModelProto is unpacked with protobuf-c (fields newer than the onnx.proto it was generated
 * from are kept as unknown fields and written back). Each graph is walked in node order with a table of the
 * original element type of every tensor: declared types (inputs, initializers, value_info, outputs) first, then
 * the type of each node's outputs by a small rule table (most ops: the type of their first input; Shape, ArgMax,
 * comparisons, Cast, Constant, If/Loop/Scan and a few others by their own rule). Float32 initializers, Constant
 * and ConstantOfShape values become float16 (raw_data, little-endian, clamped to +-65504); Cast-to-float and
 * dtype attributes become float16; every declared float32 type becomes float16. Nodes of the keep list (and of
 * other domains, and the readers of weights or constants beyond float16's range, Clip/Min/Max bounds excepted) stay
 * float32: a Cast to float32 goes in front of each float input (shared by the consumers of
 * one tensor; an initializer only such nodes read stays float32) and a Cast back to float16 after each float
 * output. Resize's and Upsample's scales stay float32 as the standard requires. The model's float32 inputs and
 * outputs stay float32 by default (a Cast after each input, before each output). Subgraphs (If/Loop/Scan) are
 * converted the same way, recursively, their inputs and outputs included, so loop-carried values stay float16.
 * The written model carries metadata_props ortune.transform=fp16: converting it again copies it unchanged. */
#include "fp16.h"
#include "internal.h"
#include "onnx.pb-c.h"
#include <errno.h>
#include <math.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum { T_FLOAT = 1, T_UINT8 = 2, T_INT32 = 6, T_INT64 = 7, T_STRING = 8, T_BOOL = 9, T_FLOAT16 = 10 };

/* ---- float16 bits ---------------------------------------------------------------------------------- */

unsigned short ortune_f32_to_f16(float f, int *clamped) {
  union { float f; uint32_t u; } v = {f};
  uint32_t sign = (v.u >> 16) & 0x8000u, exp = (v.u >> 23) & 0xffu, man = v.u & 0x7fffffu;
  if (exp == 0xff) return (unsigned short)(sign | 0x7c00u | (man ? 0x200u : 0)); /* inf, nan */
  int e = (int)exp - 127 + 15;
  if (e >= 31) goto clamp;
  if (e <= 0) { /* subnormal float16, or zero */
    if (e < -10) return (unsigned short)sign;
    man |= 0x800000u;
    int shift = 14 - e;
    uint32_t h = man >> shift, rest = man & ((1u << shift) - 1), half = 1u << (shift - 1);
    if (rest > half || (rest == half && (h & 1))) h++;
    return (unsigned short)(sign | h);
  }
  uint32_t h = ((uint32_t)e << 10) | (man >> 13), rest = man & 0x1fffu;
  if (rest > 0x1000u || (rest == 0x1000u && (h & 1))) h++;
  if ((h & 0x7fffu) >= 0x7c00u) goto clamp; /* rounded up to infinity */
  return (unsigned short)(sign | h);
clamp:
  if (clamped) (*clamped)++;
  return (unsigned short)(sign | 0x7bffu);
}

float ortune_f16_to_f32(unsigned short h) {
  uint32_t sign = (uint32_t)(h & 0x8000u) << 16, exp = (h >> 10) & 0x1fu, man = h & 0x3ffu, u;
  if (exp == 0x1f) u = sign | 0x7f800000u | (man << 13);
  else if (exp) u = sign | ((exp - 15 + 127) << 23) | (man << 13);
  else if (!man) u = sign;
  else { /* subnormal: normalise */
    int e = -1;
    do { man <<= 1; e++; } while (!(man & 0x400u));
    u = sign | ((uint32_t)(127 - 15 - e) << 23) | ((man & 0x3ffu) << 13);
  }
  union { uint32_t u; float f; } v = {u};
  return v.f;
}

/* ---- string map: tensor name -> element type and/or another name ---------------------------------- */

typedef struct {
  char **key, **name;
  int *type;
  size_t cap, n;
} smap;

static size_t hash(const char *s) {
  size_t h = 1469598103934665603ull;
  while (*s) h = (h ^ (unsigned char)*s++) * 1099511628211ull;
  return h;
}

static long smap_slot(const smap *m, const char *k) {
  if (!m->cap) return -1;
  for (size_t i = hash(k) & (m->cap - 1);; i = (i + 1) & (m->cap - 1))
    if (!m->key[i] || !strcmp(m->key[i], k)) return (long)i;
}

static int smap_grow(smap *m) {
  smap b = {0};
  b.cap = m->cap ? m->cap * 2 : 64;
  b.key = calloc(b.cap, sizeof *b.key), b.name = calloc(b.cap, sizeof *b.name), b.type = calloc(b.cap, sizeof *b.type);
  if (!b.key || !b.name || !b.type) {
    free(b.key), free(b.name), free(b.type);
    return -1;
  }
  for (size_t i = 0; i < m->cap; i++)
    if (m->key[i]) {
      long s = smap_slot(&b, m->key[i]);
      b.key[s] = m->key[i], b.name[s] = m->name[i], b.type[s] = m->type[i];
    }
  b.n = m->n;
  free(m->key), free(m->name), free(m->type);
  *m = b;
  return 0;
}

/* Set k's type (type >= 0) and/or name (non-NULL); -1 when out of memory. */
static int smap_put(smap *m, const char *k, int type, const char *name) {
  if ((m->n + 1) * 2 > m->cap && smap_grow(m)) return -1;
  long s = smap_slot(m, k);
  if (!m->key[s]) {
    if (!(m->key[s] = ortune_strdup(k))) return -1;
    m->n++;
  }
  if (type >= 0) m->type[s] = type;
  if (name) {
    free(m->name[s]);
    if (!(m->name[s] = ortune_strdup(name))) return -1;
  }
  return 0;
}

static void smap_free(smap *m) {
  for (size_t i = 0; i < m->cap; i++) free(m->key[i]), free(m->name[i]);
  free(m->key), free(m->name), free(m->type);
  memset(m, 0, sizeof *m);
}

/* A graph's scope: its tensors' original types, and float32 copies of float16 tensors (name -> float32 name). */
typedef struct scope {
  const struct scope *parent;
  smap types, f32;
  smap big; /* float32 weights and constants with values beyond float16's range */
} scope;

static int type_of(const scope *sc, const char *name) {
  if (!name || !*name) return 0;
  for (; sc; sc = sc->parent) {
    long s = smap_slot(&sc->types, name);
    if (s >= 0 && sc->types.key[s]) return sc->types.type[s];
  }
  return 0;
}

static const char *f32_of(const scope *sc, const char *name) {
  for (; sc; sc = sc->parent) {
    long s = smap_slot(&sc->f32, name);
    if (s >= 0 && sc->f32.key[s]) return sc->f32.name[s];
  }
  return NULL;
}

static int is_big(const scope *sc, const char *name) {
  for (; sc && name && *name; sc = sc->parent) {
    long s = smap_slot(&sc->big, name);
    if (s >= 0 && sc->big.key[s]) return 1;
  }
  return 0;
}

/* Does float32 tensor t hold a finite value beyond float16's range? */
static int out_of_range(const Onnx__TensorProto *t) {
  if (!t || !t->has_data_type || t->data_type != 1) return 0;
  size_t n = t->has_raw_data ? t->raw_data.len / 4 : t->n_float_data;
  for (size_t i = 0; i < n; i++) {
    float f;
    if (t->has_raw_data) memcpy(&f, t->raw_data.data + 4 * i, 4);
    else f = t->float_data[i];
    if (isfinite(f) && fabsf(f) > 65504.0f) return 1;
  }
  return 0;
}

/* ---- the conversion state ------------------------------------------------------------------------- */

typedef struct {
  const ortune_fp16_opts *o;
  ortune_fp16_stats *st;
  size_t nfloat;    /* float32 tensors seen */
  unsigned serial;  /* for unique node names */
} conv;

static int oom(void) { return ortune_set_error(ORTUNE_ENOMEM, "fp16: out of memory"); }

static int in_list(const char *list, const char *op) {
  size_t n = strlen(op);
  for (const char *p = list; p && *p;) {
    size_t len = strcspn(p, ",");
    if (len == n && !strncmp(p, op, n)) return 1;
    p += len + (p[len] == ',');
  }
  return 0;
}

static int onnx_domain(const Onnx__NodeProto *n) { return !n->domain || !*n->domain || !strcmp(n->domain, "ai.onnx"); }

static int is_big(const scope *sc, const char *name);

/* Is n kept in float32: the keep lists, other domains, and readers of weights beyond float16's range (except
 * Clip, Min and Max, whose bounds clamped to +-65504 change no float16 result)? */
static int kept_in(const conv *cv, const scope *sc, const Onnx__NodeProto *n) {
  if (!onnx_domain(n) || in_list(ORTUNE_FP16_KEEP_ALWAYS, n->op_type) ||
      in_list(cv->o->keep_ops ? cv->o->keep_ops : ORTUNE_FP16_KEEP_DEFAULT, n->op_type))
    return 1;
  if (!strcmp(n->op_type, "Constant")) return n->n_output && is_big(sc, n->output[0]);
  if (in_list("Clip,Min,Max", n->op_type)) return 0;
  for (size_t k = 0; k < n->n_input; k++)
    if (is_big(sc, n->input[k])) return 1;
  return 0;
}

/* Inputs the standard types tensor(float) whatever the data's type: they stay float32. */
static int float_only_input(const Onnx__NodeProto *n, size_t i) {
  return (i == 2 && !strcmp(n->op_type, "Resize")) || (i == 1 && !strcmp(n->op_type, "Upsample"));
}

static Onnx__AttributeProto *attr(const Onnx__NodeProto *n, const char *name) {
  for (size_t i = 0; i < n->n_attribute; i++)
    if (n->attribute[i]->name && !strcmp(n->attribute[i]->name, name)) return n->attribute[i];
  return NULL;
}

static int elem_type(const Onnx__TypeProto *t) {
  return t && t->value_case == ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE && t->tensor_type->has_elem_type ? t->tensor_type->elem_type : 0;
}

static int subgraph_output_type(const Onnx__NodeProto *n, const char *a, size_t k) {
  Onnx__AttributeProto *g = attr(n, a);
  return g && g->g && k < g->g->n_output ? elem_type(g->g->output[k]->type) : 0;
}

static int const_type(const Onnx__NodeProto *n) {
  for (size_t i = 0; i < n->n_attribute; i++) {
    const Onnx__AttributeProto *a = n->attribute[i];
    if (!strcmp(a->name, "value") && a->t) return a->t->data_type;
    if (!strncmp(a->name, "value_float", 11)) return T_FLOAT;
    if (!strncmp(a->name, "value_int", 9)) return T_INT64;
    if (!strncmp(a->name, "value_string", 12)) return T_STRING;
  }
  return 0;
}

/* The original element type of output k of n (0: unknown). */
static int out_type(const Onnx__NodeProto *n, size_t k, const scope *sc) {
  const char *op = n->op_type;
  const Onnx__AttributeProto *a;
  int in0 = n->n_input ? type_of(sc, n->input[0]) : 0;
  if (!onnx_domain(n)) return 0;
  if (in_list("Shape,Size,ArgMax,ArgMin,NonZero,NonMaxSuppression", op) || (k && in_list("TopK,MaxPool,Unique", op)))
    return T_INT64;
  if (in_list("Equal,Less,Greater,LessOrEqual,GreaterOrEqual,Not,And,Or,Xor,IsNaN,IsInf", op)) return T_BOOL;
  if (!strcmp(op, "Cast")) return (a = attr(n, "to")) ? (int)a->i : 0;
  if (!strcmp(op, "Constant")) return const_type(n);
  if (!strcmp(op, "ConstantOfShape")) return (a = attr(n, "value")) && a->t ? a->t->data_type : T_FLOAT;
  if (in_list("EyeLike,RandomNormalLike,RandomUniformLike,Bernoulli", op)) return (a = attr(n, "dtype")) ? (int)a->i : in0;
  if (in_list("RandomNormal,RandomUniform", op)) return (a = attr(n, "dtype")) ? (int)a->i : T_FLOAT;
  if (!strcmp(op, "Multinomial")) return (a = attr(n, "dtype")) ? (int)a->i : T_INT32;
  if (in_list("Where,CastLike,DequantizeLinear", op)) return n->n_input > 1 ? type_of(sc, n->input[1]) : 0;
  if (!strcmp(op, "QuantizeLinear")) return n->n_input > 2 ? type_of(sc, n->input[2]) : T_UINT8;
  if (!strcmp(op, "DynamicQuantizeLinear")) return k == 1 ? T_FLOAT : T_UINT8;
  if (!strcmp(op, "If")) return subgraph_output_type(n, "then_branch", k);
  if (!strcmp(op, "Loop")) { /* undeclared body outputs: a loop-carried value keeps its initial value's type */
    int t = subgraph_output_type(n, "body", k + 1);
    return t || k + 2 >= n->n_input ? t : type_of(sc, n->input[k + 2]);
  }
  if (!strcmp(op, "Scan")) {
    int t = subgraph_output_type(n, "body", k);
    return t || k >= n->n_input ? t : type_of(sc, n->input[k]); /* state variables come first (opset 9+) */
  }
  if (in_list("SequenceEmpty,SequenceConstruct,SequenceInsert,SplitToSequence,SequenceAt,ConcatFromSequence,Optional,"
              "OptionalGetElement,OptionalHasElement,SequenceLength", op))
    return 0; /* sequences and optionals: their element types are not tracked */
  return in0;
}

/* ---- building nodes ----------------------------------------------------------------------------- */

static Onnx__AttributeProto *new_int_attr(const char *name, int64_t v) {
  Onnx__AttributeProto *a = malloc(sizeof *a);
  if (!a) return NULL;
  onnx__attribute_proto__init(a);
  if (!(a->name = ortune_strdup(name))) { free(a); return NULL; }
  a->has_type = 1, a->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT;
  a->has_i = 1, a->i = v;
  return a;
}

static int add_attr(Onnx__NodeProto *n, Onnx__AttributeProto *a) {
  if (!a) return -1;
  Onnx__AttributeProto **v = realloc(n->attribute, (n->n_attribute + 1) * sizeof *v);
  if (!v) { protobuf_c_message_free_unpacked(&a->base, NULL); return -1; }
  n->attribute = v;
  v[n->n_attribute++] = a;
  return 0;
}

static Onnx__NodeProto *new_cast(conv *cv, const char *in, const char *out, int to) {
  Onnx__NodeProto *n = malloc(sizeof *n);
  char name[64];
  if (!n) return NULL;
  onnx__node_proto__init(n);
  snprintf(name, sizeof name, "ortune_fp16_cast_%u", cv->serial++);
  n->input = calloc(1, sizeof(char *)), n->output = calloc(1, sizeof(char *));
  if (n->input) n->n_input = 1, n->input[0] = ortune_strdup(in);
  if (n->output) n->n_output = 1, n->output[0] = ortune_strdup(out);
  n->name = ortune_strdup(name), n->op_type = ortune_strdup("Cast");
  if (!n->input || !n->output || !n->input[0] || !n->output[0] || !n->name || !n->op_type || add_attr(n, new_int_attr("to", to))) {
    protobuf_c_message_free_unpacked(&n->base, NULL);
    return NULL;
  }
  cv->st->casts++;
  return n;
}

typedef struct {
  Onnx__NodeProto **v;
  size_t n, cap;
} nodelist;

static int push(nodelist *l, Onnx__NodeProto *n) {
  if (!n) return -1;
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 64;
    Onnx__NodeProto **v = realloc(l->v, cap * sizeof *v);
    if (!v) { protobuf_c_message_free_unpacked(&n->base, NULL); return -1; }
    l->v = v, l->cap = cap;
  }
  l->v[l->n++] = n;
  return 0;
}

static int set_str(char **dst, const char *s) {
  char *d = ortune_strdup(s);
  if (!d) return -1;
  free(*dst);
  *dst = d;
  return 0;
}

static int graph_declares_input(const Onnx__GraphProto *g, const char *name) {
  for (size_t i = 0; i < g->n_input; i++)
    if (!strcmp(g->input[i]->name, name)) return 1;
  return 0;
}

static int rename_uses(Onnx__NodeProto **nodes, size_t n, const char *from, const char *to);

/* In a subgraph that sees from from the outer scope: its nodes' inputs and its outputs passing it through. */
static int rename_in_subgraph(Onnx__GraphProto *g, const char *from, const char *to) {
  if (graph_declares_input(g, from)) return 0; /* shadowed */
  for (size_t i = 0; i < g->n_output; i++)
    if (!strcmp(g->output[i]->name, from) && set_str(&g->output[i]->name, to)) return -1;
  return rename_uses(g->node, g->n_node, from, to);
}

/* Rename every use of from to to in nodes (and in the subgraphs that see it from the outer scope). */
static int rename_uses(Onnx__NodeProto **nodes, size_t n, const char *from, const char *to) {
  for (size_t i = 0; i < n; i++) {
    for (size_t k = 0; k < nodes[i]->n_input; k++)
      if (!strcmp(nodes[i]->input[k], from) && set_str(&nodes[i]->input[k], to)) return -1;
    for (size_t a = 0; a < nodes[i]->n_attribute; a++) {
      Onnx__AttributeProto *at = nodes[i]->attribute[a];
      if (at->g && rename_in_subgraph(at->g, from, to)) return -1;
      for (size_t k = 0; k < at->n_graphs; k++)
        if (rename_in_subgraph(at->graphs[k], from, to)) return -1;
    }
  }
  return 0;
}

/* ---- values ------------------------------------------------------------------------------------- */

static int tensor_to_f16(conv *cv, Onnx__TensorProto *t) {
  if (!t->has_data_type || t->data_type != T_FLOAT) return 0;
  if (t->has_data_location && t->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL)
    return ortune_set_error(ORTUNE_EUNSUPPORTED, "fp16: tensor '%s' keeps its data in an external file: "
                            "convert a model with its weights inside the .onnx file", t->name ? t->name : "");
  size_t count = t->has_raw_data ? t->raw_data.len / 4 : t->n_float_data;
  uint8_t *h = malloc(count * 2 + 1);
  if (!h) return oom();
  int clamped = 0;
  for (size_t i = 0; i < count; i++) {
    float f;
    if (t->has_raw_data) memcpy(&f, t->raw_data.data + 4 * i, 4); /* little-endian hosts only (x86-64, arm64) */
    else f = t->float_data[i];
    unsigned short b = ortune_f32_to_f16(f, &clamped);
    h[2 * i] = (uint8_t)(b & 0xff), h[2 * i + 1] = (uint8_t)(b >> 8);
  }
  free(t->raw_data.data), free(t->float_data);
  t->float_data = NULL, t->n_float_data = 0;
  t->has_raw_data = 1, t->raw_data.data = h, t->raw_data.len = count * 2;
  t->data_type = T_FLOAT16;
  cv->st->clamped += (size_t)clamped;
  cv->nfloat++;
  return 0;
}

static void type_to_f16(conv *cv, Onnx__TypeProto *t) {
  if (!t) return;
  switch (t->value_case) {
    case ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE:
      if (t->tensor_type->has_elem_type && t->tensor_type->elem_type == T_FLOAT) t->tensor_type->elem_type = T_FLOAT16, cv->nfloat++;
      break;
    case ONNX__TYPE_PROTO__VALUE_SEQUENCE_TYPE: type_to_f16(cv, t->sequence_type->elem_type); break;
    case ONNX__TYPE_PROTO__VALUE_OPTIONAL_TYPE: type_to_f16(cv, t->optional_type->elem_type); break;
    case ONNX__TYPE_PROTO__VALUE_MAP_TYPE: type_to_f16(cv, t->map_type->value_type); break;
    default: break;
  }
}

/* Constant's value_float(s) as a float16 `value` tensor. */
static int const_floats_to_tensor(conv *cv, Onnx__AttributeProto *a) {
  Onnx__TensorProto *t = malloc(sizeof *t);
  if (!t) return oom();
  onnx__tensor_proto__init(t);
  int scalar = !strcmp(a->name, "value_float");
  size_t n = scalar ? 1 : a->n_floats;
  t->has_data_type = 1, t->data_type = T_FLOAT;
  t->float_data = malloc((n ? n : 1) * sizeof(float));
  if (!t->float_data || (!scalar && !(t->dims = malloc(sizeof(int64_t))))) {
    protobuf_c_message_free_unpacked(&t->base, NULL);
    return oom();
  }
  t->n_float_data = n;
  if (scalar) t->float_data[0] = a->f;
  else memcpy(t->float_data, a->floats, n * sizeof(float)), t->n_dims = 1, t->dims[0] = (int64_t)n;
  free(a->floats);
  a->floats = NULL, a->n_floats = 0, a->has_f = 0;
  a->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR, a->t = t;
  if (set_str(&a->name, "value")) return oom();
  return tensor_to_f16(cv, t);
}

static int fp16_zero_value(Onnx__NodeProto *n) {
  Onnx__AttributeProto *a = malloc(sizeof *a);
  Onnx__TensorProto *t = malloc(sizeof *t);
  if (!a || !t) { free(a), free(t); return oom(); }
  onnx__attribute_proto__init(a);
  onnx__tensor_proto__init(t);
  a->name = ortune_strdup("value"), a->has_type = 1, a->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR, a->t = t;
  t->has_data_type = 1, t->data_type = T_FLOAT16, t->dims = malloc(sizeof(int64_t)), t->raw_data.data = calloc(1, 2);
  if (t->dims) t->n_dims = 1, t->dims[0] = 1;
  if (t->raw_data.data) t->has_raw_data = 1, t->raw_data.len = 2;
  if (!a->name || !t->dims || !t->raw_data.data) { protobuf_c_message_free_unpacked(&a->base, NULL); return oom(); }
  return add_attr(n, a) ? oom() : 0;
}

static int convert_graph(conv *cv, Onnx__GraphProto *g, const scope *parent, int top, const Onnx__NodeProto *owner);

/* The attributes of a node converted to float16: Cast targets, constants, dtypes, subgraphs. */
static int convert_attrs(conv *cv, Onnx__NodeProto *n, const scope *sc) {
  int rc = 0;
  const char *op = n->op_type;
  for (size_t i = 0; i < n->n_attribute && !rc; i++) {
    Onnx__AttributeProto *a = n->attribute[i];
    if (a->g) rc = convert_graph(cv, a->g, sc, 0, n), cv->st->subgraphs++;
    for (size_t k = 0; k < a->n_graphs && !rc; k++) rc = convert_graph(cv, a->graphs[k], sc, 0, n), cv->st->subgraphs++;
    if (rc) break;
    if (a->has_i && a->i == T_FLOAT && ((!strcmp(op, "Cast") && !strcmp(a->name, "to")) || !strcmp(a->name, "dtype")))
      a->i = T_FLOAT16, cv->nfloat++;
    else if (a->t && !strcmp(a->name, "value") && (!strcmp(op, "Constant") || !strcmp(op, "ConstantOfShape")))
      rc = tensor_to_f16(cv, a->t), cv->st->constants += a->t->data_type == T_FLOAT16;
    else if (!strcmp(op, "Constant") && (!strcmp(a->name, "value_float") || !strcmp(a->name, "value_floats")))
      rc = const_floats_to_tensor(cv, a), cv->st->constants++;
  }
  if (rc) return rc;
  if (!strcmp(op, "ConstantOfShape") && !attr(n, "value")) { /* default value: float32 zero */
    cv->st->constants++;
    return fp16_zero_value(n);
  }
  if (in_list("RandomNormal,RandomUniform,SequenceEmpty", op) && !attr(n, "dtype")) /* default dtype: float32 */
    return add_attr(n, new_int_attr("dtype", T_FLOAT16)) ? oom() : 0;
  return 0;
}

/* ---- graphs ------------------------------------------------------------------------------------- */

static int declare(conv *cv, scope *sc, Onnx__ValueInfoProto **v, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (smap_put(&sc->types, v[i]->name, elem_type(v[i]->type), NULL)) return oom();
    cv->nfloat += elem_type(v[i]->type) == T_FLOAT;
  }
  return 0;
}

/* The type of input i of a Loop or Scan body that does not declare it: from the owner's inputs. */
static int body_input_type(const Onnx__NodeProto *owner, size_t i, size_t nbody, const scope *parent) {
  if (!strcmp(owner->op_type, "Loop")) return i == 0 ? T_INT64 : i == 1 ? T_BOOL : i < owner->n_input ? type_of(parent, owner->input[i]) : 0;
  if (!strcmp(owner->op_type, "Scan")) { /* Scan-8 has sequence_lens first */
    size_t off = owner->n_input == nbody + 1 ? 1 : 0;
    return i + off < owner->n_input ? type_of(parent, owner->input[i + off]) : 0;
  }
  return 0;
}

/* Types of every tensor of g: declared ones, then node outputs by out_type() in node order. */
static int infer_types(conv *cv, Onnx__GraphProto *g, scope *sc, const Onnx__NodeProto *owner) {
  if (declare(cv, sc, g->input, g->n_input) || declare(cv, sc, g->value_info, g->n_value_info) ||
      declare(cv, sc, g->output, g->n_output))
    return ORTUNE_ENOMEM;
  for (size_t i = 0; owner && i < g->n_input; i++)
    if (!type_of(sc, g->input[i]->name) &&
        smap_put(&sc->types, g->input[i]->name, body_input_type(owner, i, g->n_input, sc->parent), NULL))
      return oom();
  for (size_t i = 0; i < g->n_initializer; i++) {
    Onnx__TensorProto *t = g->initializer[i];
    if (t->has_data_location && t->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL)
      return ortune_set_error(ORTUNE_EUNSUPPORTED, "fp16: initializer '%s' keeps its data in an external file: "
                              "convert a model with its weights inside the .onnx file", t->name ? t->name : "");
    if (smap_put(&sc->types, t->name, t->data_type, NULL) || (out_of_range(t) && smap_put(&sc->big, t->name, 0, NULL)))
      return oom();
  }
  for (size_t i = 0; i < g->n_node; i++) { /* Constant values beyond float16 */
    const Onnx__AttributeProto *v = attr(g->node[i], "value");
    if (!strcmp(g->node[i]->op_type, "Constant") && g->node[i]->n_output && v && out_of_range(v->t) &&
        smap_put(&sc->big, g->node[i]->output[0], 0, NULL))
      return oom();
  }
  for (size_t i = 0; i < g->n_sparse_initializer; i++)
    if (g->sparse_initializer[i]->values && g->sparse_initializer[i]->values->data_type == T_FLOAT)
      return ortune_set_error(ORTUNE_EUNSUPPORTED, "fp16: sparse float32 initializers are not supported: densify them first");
  for (size_t i = 0; i < g->n_node; i++)
    for (size_t k = 0; k < g->node[i]->n_output; k++) {
      const char *o = g->node[i]->output[k];
      int t = out_type(g->node[i], k, sc);
      if (*o && !type_of(sc, o) && smap_put(&sc->types, o, t, NULL)) return oom();
      cv->nfloat += t == T_FLOAT;
    }
  return 0;
}

/* A float32 copy of float16 tensor name for a float32 consumer (a Cast in front of it, shared; or the float32
 * original where one exists). *out: the name to read. */
static int f32_input(conv *cv, scope *sc, nodelist *l, char **input) {
  if (type_of(sc, *input) != T_FLOAT) return 0;
  const char *have = f32_of(sc, *input);
  char name[1024];
  if (!have) {
    snprintf(name, sizeof name, "%s_ortune_fp32_%u", *input, cv->serial);
    if (push(l, new_cast(cv, *input, name, T_FLOAT)) || smap_put(&sc->f32, *input, -1, name)) return oom();
    have = name;
  }
  return set_str(input, have) ? oom() : 0;
}

/* A node kept in float32: Casts to float32 before its float inputs, back to float16 after its float outputs. */
static int keep_node(conv *cv, scope *sc, nodelist *l, Onnx__NodeProto *n, nodelist *after) {
  int rc;
  for (size_t k = 0; k < n->n_input; k++)
    if ((rc = f32_input(cv, sc, l, &n->input[k]))) return rc;
  for (size_t k = 0; k < n->n_output; k++) {
    if (type_of(sc, n->output[k]) != T_FLOAT) continue;
    char name[1024];
    snprintf(name, sizeof name, "%s_ortune_fp32", n->output[k]);
    if (push(after, new_cast(cv, name, n->output[k], T_FLOAT16)) || smap_put(&sc->f32, n->output[k], -1, name) ||
        set_str(&n->output[k], name))
      return oom();
  }
  cv->st->kept++;
  return 0;
}

static int is_initializer(const Onnx__GraphProto *g, const char *name) {
  for (size_t i = 0; i < g->n_initializer; i++)
    if (!strcmp(g->initializer[i]->name, name)) return 1;
  return 0;
}

/* Mark g's initializers that nodes of subgraphs read from the outer scope as read in float16. */
static int mark_subgraph_uses(const Onnx__GraphProto *g, Onnx__NodeProto **nodes, size_t n, smap *use) {
  for (size_t i = 0; i < n; i++) {
    for (size_t k = 0; k < nodes[i]->n_input; k++)
      if (*nodes[i]->input[k] && is_initializer(g, nodes[i]->input[k]) && smap_put(use, nodes[i]->input[k], 1, NULL)) return oom();
    for (size_t a = 0; a < nodes[i]->n_attribute; a++) {
      const Onnx__AttributeProto *at = nodes[i]->attribute[a];
      if (at->g && mark_subgraph_uses(g, at->g->node, at->g->n_node, use)) return ORTUNE_ENOMEM;
      for (size_t k = 0; k < at->n_graphs; k++)
        if (mark_subgraph_uses(g, at->graphs[k]->node, at->graphs[k]->n_node, use)) return ORTUNE_ENOMEM;
    }
  }
  return 0;
}

/* Initializers read only by float32 consumers stay float32 (they are their own float32 copy). */
static int keep_f32_initializers(conv *cv, Onnx__GraphProto *g, scope *sc) {
  smap use = {0}; /* initializer -> 1: some float16 consumer, 2: float32 consumers only */
  int rc = 0;
  for (size_t i = 0; i < g->n_node && !rc; i++) {
    Onnx__NodeProto *n = g->node[i];
    for (size_t k = 0; k < n->n_input && !rc; k++) {
      if (!*n->input[k] || !is_initializer(g, n->input[k])) continue;
      long s = smap_slot(&use, n->input[k]);
      int was = s >= 0 && use.key[s] ? use.type[s] : 0, f32 = kept_in(cv, sc, n) || float_only_input(n, k);
      if (smap_put(&use, n->input[k], f32 && was != 1 ? 2 : 1, NULL)) rc = oom();
    }
  }
  for (size_t i = 0; i < g->n_node && !rc; i++) /* what subgraphs read is float16 there */
    for (size_t a = 0; a < g->node[i]->n_attribute && !rc; a++) {
      const Onnx__AttributeProto *at = g->node[i]->attribute[a];
      if (at->g) rc = mark_subgraph_uses(g, at->g->node, at->g->n_node, &use);
      for (size_t k = 0; k < at->n_graphs && !rc; k++) rc = mark_subgraph_uses(g, at->graphs[k]->node, at->graphs[k]->n_node, &use);
    }
  for (size_t i = 0; i < use.cap && !rc; i++)
    if (use.key[i] && use.type[i] == 2 && smap_put(&sc->f32, use.key[i], -1, use.key[i])) rc = oom();
  smap_free(&use);
  return rc;
}

/* Model inputs kept float32: a Cast to float16 first, its output read by the graph instead. */
static int io_inputs(conv *cv, Onnx__GraphProto *g, scope *sc, nodelist *l) {
  for (size_t i = 0; i < g->n_input; i++) {
    const char *x = g->input[i]->name;
    if (elem_type(g->input[i]->type) != T_FLOAT || is_initializer(g, x)) continue;
    char name[1024];
    snprintf(name, sizeof name, "%s_ortune_fp16", x);
    if (rename_uses(g->node, g->n_node, x, name) || push(l, new_cast(cv, x, name, T_FLOAT16)) ||
        smap_put(&sc->types, name, T_FLOAT, NULL) || smap_put(&sc->f32, name, -1, x))
      return oom();
  }
  return 0;
}

/* Model outputs kept float32: the producer writes a float16 tensor, a Cast to float32 writes the output. */
static int io_outputs(conv *cv, Onnx__GraphProto *g, scope *sc, nodelist *l) {
  for (size_t i = 0; i < g->n_output; i++) {
    const char *y = g->output[i]->name;
    if (elem_type(g->output[i]->type) != T_FLOAT) continue;
    Onnx__NodeProto *prod = NULL;
    size_t slot = 0;
    for (size_t j = 0; j < l->n && !prod; j++)
      for (size_t k = 0; k < l->v[j]->n_output; k++)
        if (!strcmp(l->v[j]->output[k], y)) prod = l->v[j], slot = k;
    if (!prod) continue; /* an input or an initializer passed through: left as it is */
    char name[1024];
    const char *f32 = f32_of(sc, y);
    snprintf(name, sizeof name, "%s_ortune_fp16", y);
    if (rename_uses(l->v, l->n, y, name) || set_str(&prod->output[slot], name) ||
        push(l, new_cast(cv, f32 ? f32 : name, y, T_FLOAT)))
      return oom();
  }
  return 0;
}

/* Does t hold float32 inside a sequence, optional or map (where no Cast reaches)? */
static int nested_float(const Onnx__TypeProto *t, int depth) {
  if (!t) return 0;
  switch (t->value_case) {
    case ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE: return depth && elem_type(t) == T_FLOAT;
    case ONNX__TYPE_PROTO__VALUE_SEQUENCE_TYPE: return nested_float(t->sequence_type->elem_type, depth + 1);
    case ONNX__TYPE_PROTO__VALUE_OPTIONAL_TYPE: return nested_float(t->optional_type->elem_type, depth + 1);
    case ONNX__TYPE_PROTO__VALUE_MAP_TYPE: return nested_float(t->map_type->value_type, depth + 1);
    default: return 0;
  }
}

/* Model inputs and outputs that cannot stay float32 behind a Cast. */
static int check_io(const Onnx__GraphProto *g) {
  for (int out = 0; out < 2; out++)
    for (size_t i = 0; i < (out ? g->n_output : g->n_input); i++) {
      const Onnx__ValueInfoProto *v = out ? g->output[i] : g->input[i];
      if (nested_float(v->type, 0))
        return ortune_set_error(ORTUNE_EUNSUPPORTED, "fp16: model %s '%s' is a sequence, optional or map of float32, which "
                                "no Cast keeps float32: convert with --no-keep-io-fp32", out ? "output" : "input", v->name);
    }
  return 0;
}

static int rebuild_nodes(conv *cv, Onnx__GraphProto *g, scope *sc, nodelist *l, int top) {
  int rc = 0;
  if (top && cv->o->keep_io_fp32 && (rc = check_io(g))) return rc;
  if (top && cv->o->keep_io_fp32 && (rc = io_inputs(cv, g, sc, l))) return rc;
  for (size_t i = 0; i < g->n_node && !rc; i++) {
    Onnx__NodeProto *n = g->node[i];
    nodelist after = {0};
    if (kept_in(cv, sc, n)) {
      rc = keep_node(cv, sc, l, n, &after);
    } else {
      for (size_t k = 0; k < n->n_input && !rc; k++)
        if (float_only_input(n, k)) rc = f32_input(cv, sc, l, &n->input[k]);
      if (!rc) rc = convert_attrs(cv, n, sc);
    }
    if (!rc) {
      g->node[i] = NULL; /* owned by l now (push frees it when it fails) */
      if (push(l, n)) rc = oom();
    }
    for (size_t k = 0; k < after.n; k++)
      if (!rc && push(l, after.v[k])) rc = oom();
      else if (rc) protobuf_c_message_free_unpacked(&after.v[k]->base, NULL);
    free(after.v);
  }
  if (!rc && top && cv->o->keep_io_fp32) rc = io_outputs(cv, g, sc, l);
  return rc;
}

static int convert_graph(conv *cv, Onnx__GraphProto *g, const scope *parent, int top, const Onnx__NodeProto *owner) {
  scope sc = {parent, {0}, {0}, {0}};
  nodelist l = {0};
  int rc = infer_types(cv, g, &sc, owner);
  if (!rc) rc = keep_f32_initializers(cv, g, &sc);
  if (!rc) rc = rebuild_nodes(cv, g, &sc, &l, top);
  for (size_t i = 0; i < g->n_node; i++) /* those not moved into l (an error part way) */
    if (g->node[i]) protobuf_c_message_free_unpacked(&g->node[i]->base, NULL);
  free(g->node);
  g->node = l.v, g->n_node = l.n;
  for (size_t i = 0; i < g->n_initializer && !rc; i++) {
    Onnx__TensorProto *t = g->initializer[i];
    const char *f32 = f32_of(&sc, t->name);
    if (f32 && !strcmp(f32, t->name)) continue; /* read by float32 consumers only */
    if (t->data_type == T_FLOAT) cv->st->initializers++;
    rc = tensor_to_f16(cv, t);
  }
  for (size_t i = 0; i < g->n_input && !rc; i++) {
    const char *f32 = f32_of(&sc, g->input[i]->name);
    int weight = is_initializer(g, g->input[i]->name);
    if ((weight && !(f32 && !strcmp(f32, g->input[i]->name))) || (!weight && !(top && cv->o->keep_io_fp32)))
      type_to_f16(cv, g->input[i]->type);
  }
  for (size_t i = 0; i < g->n_output && !rc; i++)
    if (!(top && cv->o->keep_io_fp32)) type_to_f16(cv, g->output[i]->type);
  for (size_t i = 0; i < g->n_value_info && !rc; i++) type_to_f16(cv, g->value_info[i]->type);
  smap_free(&sc.types);
  smap_free(&sc.f32);
  smap_free(&sc.big);
  return rc;
}

/* ---- models ------------------------------------------------------------------------------------- */

void ortune_fp16_opts_default(ortune_fp16_opts *o) {
  o->keep_io_fp32 = 1;
  o->keep_ops = NULL;
}

static int marked(const Onnx__ModelProto *m) {
  for (size_t i = 0; i < m->n_metadata_props; i++)
    if (m->metadata_props[i]->key && !strcmp(m->metadata_props[i]->key, ORTUNE_FP16_MARK)) return 1;
  return 0;
}

static int mark(Onnx__ModelProto *m) {
  Onnx__StringStringEntryProto *e = malloc(sizeof *e), **v = realloc(m->metadata_props, (m->n_metadata_props + 1) * sizeof *v);
  if (v) m->metadata_props = v;
  if (!e || !v) { free(e); return oom(); }
  onnx__string_string_entry_proto__init(e);
  e->key = ortune_strdup(ORTUNE_FP16_MARK), e->value = ortune_strdup("fp16");
  v[m->n_metadata_props++] = e;
  return e->key && e->value ? 0 : oom();
}

static int pack(const Onnx__ModelProto *m, void **out, size_t *outlen) {
  size_t n = onnx__model_proto__get_packed_size(m);
  uint8_t *b = malloc(n ? n : 1);
  if (!b) return oom();
  *outlen = onnx__model_proto__pack(m, b);
  *out = b;
  return 0;
}

int ortune_fp16_convert_buf(const void *in, size_t len, const ortune_fp16_opts *o, void **out, size_t *outlen,
                            ortune_fp16_stats *st) {
  ortune_fp16_opts def;
  ortune_fp16_stats dummy;
  if (!o) ortune_fp16_opts_default(&def), o = &def;
  if (!st) st = &dummy;
  memset(st, 0, sizeof *st);
  *out = NULL, *outlen = 0;
  Onnx__ModelProto *m = onnx__model_proto__unpack(NULL, len, in);
  if (!m) return ortune_set_error(ORTUNE_EMODEL, "fp16: not an ONNX model (the protobuf does not parse): give a .onnx file");
  int rc = 0;
  conv cv = {o, st, 0, 0};
  int64_t opset = 0;
  for (size_t i = 0; i < m->n_opset_import; i++)
    if (!m->opset_import[i]->domain || !*m->opset_import[i]->domain || !strcmp(m->opset_import[i]->domain, "ai.onnx"))
      opset = m->opset_import[i]->version;
  if (!m->graph) {
    rc = ortune_set_error(ORTUNE_EMODEL, "fp16: the model has no graph: give a complete .onnx model");
  } else if (marked(m)) {
    st->already = 1;
    if ((*out = malloc(len ? len : 1))) memcpy(*out, in, len), *outlen = len;
    else rc = oom();
  } else if (opset && opset < 6) {
    rc = ortune_set_error(ORTUNE_EUNSUPPORTED, "fp16: the model uses opset %lld, older than 6 (Cast took a type name then): "
                          "upgrade its opset first (onnx.version_converter)", (long long)opset);
  } else if (!(rc = convert_graph(&cv, m->graph, NULL, 1, NULL))) {
    if (!cv.nfloat)
      rc = ortune_set_error(ORTUNE_EUNSUPPORTED, "fp16: the model has no float32 tensor to convert (already float16, "
                            "or integer only): use it as it is");
    else if (!(rc = mark(m)))
      rc = pack(m, out, outlen);
  }
  onnx__model_proto__free_unpacked(m, NULL);
  return rc;
}

int ortune_fp16_convert_file(const char *in, const char *out, const ortune_fp16_opts *o, ortune_fp16_stats *st) {
  struct stat a, b;
  if (stat(in, &a)) return ortune_set_error(ORTUNE_EIO, "fp16: %s: %s", in, strerror(errno));
  if (!stat(out, &b) && a.st_dev == b.st_dev && a.st_ino == b.st_ino)
    return ortune_set_error(ORTUNE_EUSAGE, "fp16: the output %s is the input model: name another file with -o", out);
  char *data = NULL;
  size_t len = 0, outlen = 0;
  void *buf = NULL;
  int rc = ortune_read_file(in, &data, &len);
  if (!rc) rc = ortune_fp16_convert_buf(data, len, o, &buf, &outlen, st);
  if (rc && rc != ORTUNE_ENOMEM && rc != ORTUNE_EIO) {
    char msg[1024];
    snprintf(msg, sizeof msg, "%s", ortune_last_error());
    rc = ortune_set_error(rc, "%s: %s", in, msg);
  }
  if (!rc) rc = ortune_write_atomic(out, buf, outlen);
  free(data);
  free(buf);
  return rc;
}
