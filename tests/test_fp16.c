/* test_fp16.c - the float16 converter (lib/transform/fp16.c), the accuracy gate and model_override (lib/tune/transform.c,
 * lib/runtime/session.c). The converter on libonnx-testdata models through ORT: tests/cli_convert.sh. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "internal.h"
#include "testutil.h"
#include "fp16.h"
#include "onnx.pb-c.h"
#include "tune.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

TESTUTIL_TMPDIR("fp16")

/* ---- building small models with protobuf-c ---- */

static char *sdup(const char *s) { return ortune_strdup(s); }

static Onnx__ValueInfoProto *vi(const char *name, int elem, int64_t n) {
  Onnx__ValueInfoProto *v = calloc(1, sizeof *v);
  Onnx__TypeProto *t = calloc(1, sizeof *t);
  Onnx__TypeProto__Tensor *tt = calloc(1, sizeof *tt);
  Onnx__TensorShapeProto *sh = calloc(1, sizeof *sh);
  Onnx__TensorShapeProto__Dimension *d = calloc(1, sizeof *d);
  onnx__value_info_proto__init(v), onnx__type_proto__init(t), onnx__type_proto__tensor__init(tt);
  onnx__tensor_shape_proto__init(sh), onnx__tensor_shape_proto__dimension__init(d);
  d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE, d->dim_value = n;
  sh->n_dim = 1, sh->dim = calloc(1, sizeof *sh->dim), sh->dim[0] = d;
  tt->has_elem_type = 1, tt->elem_type = elem, tt->shape = sh;
  t->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE, t->tensor_type = tt;
  v->name = sdup(name), v->type = t;
  return v;
}

static Onnx__NodeProto *nd(const char *op, const char *a, const char *b, const char *out) {
  Onnx__NodeProto *n = calloc(1, sizeof *n);
  onnx__node_proto__init(n);
  n->op_type = sdup(op);
  n->input = calloc(2, sizeof(char *));
  if (a) n->input[n->n_input++] = sdup(a);
  if (b) n->input[n->n_input++] = sdup(b);
  n->n_output = 1, n->output = calloc(1, sizeof(char *)), n->output[0] = sdup(out);
  return n;
}

static void add_attr(Onnx__NodeProto *n, Onnx__AttributeProto *a) {
  n->attribute = realloc(n->attribute, (n->n_attribute + 1) * sizeof *n->attribute);
  n->attribute[n->n_attribute++] = a;
}

static Onnx__AttributeProto *attr_new(const char *name, int type) {
  Onnx__AttributeProto *a = calloc(1, sizeof *a);
  onnx__attribute_proto__init(a);
  a->name = sdup(name), a->has_type = 1, a->type = type;
  return a;
}

/* y = Cast(Mul(Add(x, W), c), to=FLOAT): W = {1.5, w1}, c = Constant value_float 2;
 * opset given; external: W's data in an external file; ints: everything int64 instead. */
static void *make_model(int opset, int external, int ints, float w1, size_t *len) {
  int T = ints ? 7 : 1;
  Onnx__ModelProto m;
  Onnx__GraphProto *g = calloc(1, sizeof *g);
  Onnx__OperatorSetIdProto *os = calloc(1, sizeof *os);
  Onnx__TensorProto *w = calloc(1, sizeof *w);
  onnx__model_proto__init(&m), onnx__graph_proto__init(g), onnx__operator_set_id_proto__init(os), onnx__tensor_proto__init(w);
  os->has_version = 1, os->version = opset;
  m.has_ir_version = 1, m.ir_version = 8, m.n_opset_import = 1, m.opset_import = calloc(1, sizeof os), m.opset_import[0] = os;
  m.graph = g;
  g->name = sdup("t");
  w->name = sdup("W"), w->has_data_type = 1, w->data_type = T, w->n_dims = 1, w->dims = calloc(1, 8), w->dims[0] = 2;
  if (ints) {
    w->n_int64_data = 2, w->int64_data = calloc(2, 8), w->int64_data[0] = 1, w->int64_data[1] = 7;
  } else {
    float v[2] = {1.5f, w1};
    w->has_raw_data = 1, w->raw_data.len = 8, w->raw_data.data = malloc(8), memcpy(w->raw_data.data, v, 8);
  }
  if (external) w->has_data_location = 1, w->data_location = ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL;
  g->n_initializer = 1, g->initializer = calloc(1, sizeof w), g->initializer[0] = w;
  g->n_input = 1, g->input = calloc(1, sizeof(void *)), g->input[0] = vi("x", T, 2);
  g->n_output = 1, g->output = calloc(1, sizeof(void *)), g->output[0] = vi("y", T, 2);
  Onnx__NodeProto *c = nd("Constant", NULL, NULL, "c"), *cast = nd("Cast", "m", NULL, "y");
  Onnx__AttributeProto *cv = attr_new(ints ? "value_int" : "value_float", ints ? ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT
                                                                                : ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT);
  if (ints) cv->has_i = 1, cv->i = 2;
  else cv->has_f = 1, cv->f = 2.0f;
  add_attr(c, cv);
  Onnx__AttributeProto *to = attr_new("to", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT);
  to->has_i = 1, to->i = T;
  add_attr(cast, to);
  g->n_node = 4, g->node = calloc(4, sizeof(void *));
  g->node[0] = c, g->node[1] = nd("Add", "x", "W", "a"), g->node[2] = nd("Mul", "a", "c", "m"), g->node[3] = cast;
  *len = onnx__model_proto__get_packed_size(&m);
  void *buf = malloc(*len);
  onnx__model_proto__pack(&m, buf);
  onnx__graph_proto__free_unpacked(g, NULL);
  free(m.opset_import[0]), free(m.opset_import);
  return buf;
}

static const Onnx__NodeProto *find_op(const Onnx__GraphProto *g, const char *op, int k) {
  for (size_t i = 0; i < g->n_node; i++)
    if (!strcmp(g->node[i]->op_type, op) && k-- == 0) return g->node[i];
  return NULL;
}

/* ---- tests ---- */

static void test_f16_bits(void **state) {
  (void)state;
  int cl = 0;
  assert_int_equal(ortune_f32_to_f16(1.0f, &cl), 0x3c00);
  assert_int_equal(ortune_f32_to_f16(-2.0f, &cl), 0xc000);
  assert_int_equal(ortune_f32_to_f16(0.1f, &cl), 0x2e66);
  assert_int_equal(ortune_f32_to_f16(65504.0f, &cl), 0x7bff);
  assert_int_equal(cl, 0);
  assert_int_equal(ortune_f32_to_f16(65520.0f, &cl), 0x7bff); /* would round to infinity: clamped */
  assert_int_equal(ortune_f32_to_f16(-1e30f, &cl), 0xfbff);
  assert_int_equal(cl, 2);
  assert_int_equal(ortune_f32_to_f16(INFINITY, &cl), 0x7c00);
  assert_int_equal(ortune_f32_to_f16(-INFINITY, &cl), 0xfc00);
  assert_int_equal(cl, 2);
  assert_true((ortune_f32_to_f16(NAN, NULL) & 0x7fff) > 0x7c00);
  assert_int_equal(ortune_f32_to_f16(ldexpf(1, -24), NULL), 0x0001);    /* smallest subnormal */
  assert_int_equal(ortune_f32_to_f16(ldexpf(1, -25), NULL), 0x0000);    /* a tie: to even */
  assert_int_equal(ortune_f32_to_f16(ldexpf(3, -26), NULL), 0x0001);    /* above the tie */
  assert_int_equal(ortune_f32_to_f16(ldexpf(3, -25), NULL), 0x0002);    /* 1.5 ulp: a tie, to even */
  assert_int_equal(ortune_f32_to_f16(1e-30f, NULL), 0x0000);
  assert_int_equal(ortune_f32_to_f16(1.0f + ldexpf(1, -11), NULL), 0x3c00); /* tie to even */
  assert_int_equal(ortune_f32_to_f16(1.0f + ldexpf(3, -12), NULL), 0x3c01);
  /* every float16 value survives float16 -> float32 -> float16 */
  for (unsigned h = 0; h < 0x10000; h++) {
    float f = ortune_f16_to_f32((unsigned short)h);
    if (isnan(f)) continue;
    if (ortune_f32_to_f16(f, NULL) != h) fail_msg("0x%04x -> %g -> 0x%04x", h, f, ortune_f32_to_f16(f, NULL));
  }
  assert_float_equal(ortune_f16_to_f32(0x3555), 0.333251953125, 0);
}

static void test_convert_model(void **state) {
  (void)state;
  size_t len, outlen, len2;
  void *in = make_model(13, 0, 0, 0.25f, &len), *out = NULL, *out2 = NULL;
  ortune_fp16_stats st;
  assert_int_equal(ortune_fp16_convert_buf(in, len, NULL, &out, &outlen, &st), ORTUNE_OK);
  assert_int_equal(st.initializers, 1);
  assert_int_equal(st.constants, 1);
  assert_int_equal(st.clamped, 0);
  assert_int_equal(st.kept, 0);
  assert_int_equal(st.casts, 2); /* x to float16, y back to float32 */
  assert_false(st.already);
  Onnx__ModelProto *m = onnx__model_proto__unpack(NULL, outlen, out);
  assert_non_null(m);
  Onnx__GraphProto *g = m->graph;
  Onnx__TensorProto *w = g->initializer[0];
  assert_int_equal(w->data_type, 10);
  assert_int_equal(w->raw_data.len, 4);
  assert_int_equal(w->raw_data.data[0] | w->raw_data.data[1] << 8, 0x3e00); /* 1.5, little-endian */
  assert_int_equal(w->raw_data.data[2] | w->raw_data.data[3] << 8, 0x3400); /* 0.25 */
  assert_int_equal(g->input[0]->type->tensor_type->elem_type, 1);          /* the model's I/O stays float32 */
  assert_int_equal(g->output[0]->type->tensor_type->elem_type, 1);
  const Onnx__NodeProto *c = find_op(g, "Constant", 0), *first = g->node[0], *last = g->node[g->n_node - 1];
  assert_string_equal(c->attribute[0]->name, "value");
  assert_int_equal(c->attribute[0]->t->data_type, 10);
  assert_string_equal(first->op_type, "Cast"); /* x -> float16 first */
  assert_string_equal(first->input[0], "x");
  assert_int_equal(first->attribute[0]->i, 10);
  assert_string_equal(last->op_type, "Cast"); /* float32 y last */
  assert_string_equal(last->output[0], "y");
  assert_int_equal(last->attribute[0]->i, 1);
  const Onnx__NodeProto *inner = find_op(g, "Cast", 1); /* the model's own Cast to float: now to float16 */
  assert_int_equal(inner->attribute[0]->i, 10);
  assert_string_equal(find_op(g, "Add", 0)->input[0], "x_ortune_fp16");
  assert_string_equal(m->metadata_props[m->n_metadata_props - 1]->key, ORTUNE_FP16_MARK);
  onnx__model_proto__free_unpacked(m, NULL);
  /* again: unchanged, byte for byte */
  assert_int_equal(ortune_fp16_convert_buf(out, outlen, NULL, &out2, &len2, &st), ORTUNE_OK);
  assert_true(st.already);
  assert_int_equal(len2, outlen);
  assert_memory_equal(out2, out, outlen);
  /* the written model loads in ORT */
  write_bytes(tmp_path("m16.onnx"), out, outlen);
  OrtSession *s = NULL;
  assert_int_equal(ortune_session_create(tmp_path("m16.onnx"), NULL, NULL, &s), ORTUNE_OK);
  ortune_ort_api()->ReleaseSession(s);
  free(out2);
  free(out);
  /* float16 at the model's inputs and outputs too */
  ortune_fp16_opts o;
  ortune_fp16_opts_default(&o);
  o.keep_io_fp32 = 0;
  assert_int_equal(ortune_fp16_convert_buf(in, len, &o, &out, &outlen, &st), ORTUNE_OK);
  assert_int_equal(st.casts, 0);
  m = onnx__model_proto__unpack(NULL, outlen, out);
  assert_int_equal(m->graph->input[0]->type->tensor_type->elem_type, 10);
  assert_int_equal(m->graph->output[0]->type->tensor_type->elem_type, 10);
  onnx__model_proto__free_unpacked(m, NULL);
  free(out);
  /* Add kept in float32: Casts around it, W read by it only stays float32 */
  o.keep_io_fp32 = 1, o.keep_ops = "Add";
  for (int big = 0; big < 2; big++) { /* kept by name, or because W = 70000 does not fit float16 */
  if (big) free(in), in = make_model(13, 0, 0, 70000.0f, &len);
  assert_int_equal(ortune_fp16_convert_buf(in, len, big ? NULL : &o, &out, &outlen, &st), ORTUNE_OK);
  assert_int_equal(st.clamped, 0);
  assert_int_equal(st.kept, 1);
  assert_int_equal(st.initializers, 0);
  m = onnx__model_proto__unpack(NULL, outlen, out);
  assert_int_equal(m->graph->initializer[0]->data_type, 1);
  assert_string_equal(find_op(m->graph, "Add", 0)->input[0], "x"); /* the float32 input itself, no double Cast */
  onnx__model_proto__free_unpacked(m, NULL);
  write_bytes(tmp_path("keep.onnx"), out, outlen);
  assert_int_equal(ortune_session_create(tmp_path("keep.onnx"), NULL, NULL, &s), ORTUNE_OK);
  ortune_ort_api()->ReleaseSession(s);
  free(out);
  }
  free(in);
}

static void test_convert_refuses(void **state) {
  (void)state;
  size_t len, outlen;
  void *in, *out = NULL;
  assert_int_equal(ortune_fp16_convert_buf("\xff\xff\xff", 3, NULL, &out, &outlen, NULL), ORTUNE_EMODEL);
  assert_contains(ortune_last_error(), "not an ONNX model");
  in = make_model(13, 1, 0, 0.25f, &len);
  assert_int_equal(ortune_fp16_convert_buf(in, len, NULL, &out, &outlen, NULL), ORTUNE_EUNSUPPORTED);
  assert_contains(ortune_last_error(), "external file");
  assert_null(out);
  free(in);
  in = make_model(13, 0, 1, 0.25f, &len);
  assert_int_equal(ortune_fp16_convert_buf(in, len, NULL, &out, &outlen, NULL), ORTUNE_EUNSUPPORTED);
  assert_contains(ortune_last_error(), "no float32 tensor");
  free(in);
  in = make_model(5, 0, 0, 0.25f, &len);
  assert_int_equal(ortune_fp16_convert_buf(in, len, NULL, &out, &outlen, NULL), ORTUNE_EUNSUPPORTED);
  assert_contains(ortune_last_error(), "opset 5");
  assert_null(strchr(ortune_last_error(), '\n'));
  free(in);
  /* file level: the output may not be the input, and a failed conversion writes nothing */
  write_bytes(tmp_path("bad.onnx"), "junk", 4);
  assert_int_equal(ortune_fp16_convert_file(tmp_path("bad.onnx"), tmp_path("bad.onnx"), NULL, NULL), ORTUNE_EUSAGE);
  assert_int_equal(ortune_fp16_convert_file(tmp_path("bad.onnx"), tmp_path("bad16.onnx"), NULL, NULL), ORTUNE_EMODEL);
  assert_int_equal(access(tmp_path("bad16.onnx"), F_OK), -1);
}

static void write_out(const char *dir, int i, const char *name, const float *v, int n) {
  ortune_tensor t;
  int64_t dims[2] = {2, n / 2};
  char path[600];
  ortune_mkdir_p(dir);
  assert_int_equal(ortune_tensor_alloc(&t, name, 1, 2, dims), ORTUNE_OK);
  memcpy(t.data, v, sizeof(float) * (size_t)n);
  snprintf(path, sizeof path, "%s/output_%d.pb", dir, i);
  assert_int_equal(ortune_tensor_write_pb(path, &t), ORTUNE_OK);
  ortune_tensor_release(&t);
}

static int check(const char *rule1, const char *rule2, cJSON **tr) {
  ortune_accuracy acc = {0};
  assert_int_equal(ortune_accuracy_parse(rule1, &acc), 0);
  if (rule2) assert_int_equal(ortune_accuracy_parse(rule2, &acc), 0);
  *tr = cJSON_CreateObject();
  return ortune_accuracy_check(&acc, tmp_path("ref"), tmp_path("out"), 1, *tr);
}

static void test_accuracy(void **state) {
  (void)state;
  ortune_accuracy acc = {0};
  static const char *const bad[] = {"", "atol", "atol=x", "atol=-1", "foo=1", ":atol=1", "argmax,zzz"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    if (ortune_accuracy_parse(bad[i], &acc) != ORTUNE_EUSAGE) fail_msg("--accuracy '%s' accepted", bad[i]);
  assert_int_equal(ortune_accuracy_parse("scores:atol=1e-2", &acc), 0);
  assert_string_equal(acc.r[0].output, "scores");
  assert_float_equal(acc.r[0].atol, 1e-2, 0);
  assert_float_equal(acc.r[0].rtol, 0, 0);
  float ref0[4] = {0.1f, 0.9f, 0.8f, 0.2f}, out0[4] = {0.15f, 0.86f, 0.79f, 0.2f};
  float ref1[4] = {10, 20, 30, 40}, out1[4] = {10, 20, 30, 40.5f};
  write_out(tmp_path("ref"), 0, "scores", ref0, 4), write_out(tmp_path("out"), 0, "scores", out0, 4);
  write_out(tmp_path("ref"), 1, "boxes", ref1, 4), write_out(tmp_path("out"), 1, "boxes", out1, 4);
  cJSON *tr;
  assert_int_equal(check("atol=0.6", NULL, &tr), 0); /* one rule for both outputs */
  cJSON *a = cJSON_GetObjectItem(tr, "accuracy");
  assert_int_equal(cJSON_GetArraySize(a), 2);
  assert_string_equal(ortune_jstr(cJSON_GetArrayItem(a, 0), "output"), "scores");
  assert_float_equal(ortune_jnum(cJSON_GetArrayItem(a, 0), "max_abs", 0), 0.05, 1e-6);
  assert_float_equal(ortune_jnum(tr, "max_abs_err", 0), 0.5, 1e-6);
  cJSON_Delete(tr);
  assert_int_equal(check("atol=0.01", NULL, &tr), 1);
  assert_contains(ortune_jstr(tr, "reason"), "scores");
  cJSON_Delete(tr);
  /* per output: scores by argmax (same winners per row), boxes by rtol */
  if (check("scores:argmax", "boxes:rtol=0.02", &tr)) fail_msg("%s", ortune_jstr(tr, "reason"));
  cJSON_Delete(tr);
  assert_int_equal(check("scores:argmax", "boxes:rtol=0.001", &tr), 1);
  assert_contains(ortune_jstr(tr, "reason"), "boxes");
  cJSON_Delete(tr);
  /* an output without a rule gets the float32 check: boxes' 0.5 of 40 fails rtol 1e-2 + 1e-3 x 40? no: passes;
   * scores' 0.05 of 0.9 fails it */
  assert_int_equal(check("boxes:atol=1", NULL, &tr), 1);
  assert_contains(ortune_jstr(tr, "reason"), "scores");
  assert_contains(ortune_jstr(tr, "reason"), "no rule");
  cJSON_Delete(tr);
  /* the rules as text (provenance) and back from a config */
  ortune_accuracy two = {0}, back;
  char text[256];
  assert_int_equal(ortune_accuracy_parse("atol=0.5", &two), 0);
  assert_int_equal(ortune_accuracy_parse("scores:argmax", &two), 0);
  ortune_accuracy_text(&two, text, sizeof text);
  assert_string_equal(text, "atol=0.5,rtol=0 scores:argmax");
  ortune_config *c;
  assert_int_equal(ortune_config_new(&c), ORTUNE_OK);
  ortune_config_set_provenance(c, "accuracy", text);
  assert_int_equal(ortune_accuracy_of_config(c, &back), 0); /* no model_override: the float32 check */
  ortune_config_set(c, "model_override", "m.ortune-fp16.onnx");
  assert_int_equal(ortune_accuracy_of_config(c, &back), 1);
  assert_int_equal(back.n, 2);
  assert_true(back.r[1].argmax);
  assert_string_equal(back.r[1].output, "scores");
  ortune_config_release(c);
  float out0b[4] = {0.95f, 0.9f, 0.8f, 0.2f}; /* row 0's argmax moves */
  write_out(tmp_path("out"), 0, "scores", out0b, 4);
  assert_int_equal(check("scores:argmax", "boxes:atol=1", &tr), 1);
  assert_contains(ortune_jstr(tr, "reason"), "argmax differs in 1 rows");
  cJSON_Delete(tr);
  /* an output that lost its scale (mnv3_b8's ~3e-10 logits flushed to zero by float16) fails even a generous
   * absolute rule; one that keeps it passes the same rule */
  float tiny[4] = {3e-10f, -2e-10f, 1e-10f, 2.9e-10f}, zero[4] = {0, 0, 0, 0}, kept[4] = {2.9e-10f, -2e-10f, 1e-10f, 3e-10f};
  write_out(tmp_path("ref"), 0, "scores", tiny, 4), write_out(tmp_path("out"), 0, "scores", zero, 4);
  write_out(tmp_path("ref"), 1, "boxes", ref1, 4), write_out(tmp_path("out"), 1, "boxes", ref1, 4);
  assert_int_equal(check("atol=1e-2", NULL, &tr), 1);
  assert_contains(ortune_jstr(tr, "reason"), "lost its scale");
  cJSON_Delete(tr);
  write_out(tmp_path("out"), 0, "scores", kept, 4);
  if (check("atol=1e-2", NULL, &tr)) fail_msg("%s", ortune_jstr(tr, "reason"));
  cJSON_Delete(tr);
}

static void test_override(void **state) {
  (void)state;
  char model[600], work[600], dst[600];
  snprintf(model, sizeof model, "%s", tmp_path("m.onnx"));
  snprintf(work, sizeof work, "%s", tmp_path("work.onnx"));
  snprintf(dst, sizeof dst, "%s", tmp_path("m.ortune-fp16.onnx"));
  size_t n;
  unsigned char *add2 = slurp_bytes(ORTUNE_TEST_DATA "/add2.onnx", &n);
  write_bytes(model, add2, n);
  free(add2);
  assert_int_equal(ortune_fp16_convert_file(model, work, NULL, NULL), ORTUNE_OK);
  ortune_config *c;
  char path[4096], hex[65];
  assert_int_equal(ortune_config_new(&c), ORTUNE_OK);
  assert_int_equal(ortune_tune_transform_finish(c, model, NULL), ORTUNE_OK); /* no override: nothing happens */
  assert_int_equal(access(dst, F_OK), -1);
  assert_int_equal(ortune_config_set(c, "model_override", work), ORTUNE_OK);
  assert_int_equal(ortune_tune_transform_finish(c, model, NULL), ORTUNE_OK);
  assert_string_equal(ortune_config_get(c, "model_override"), "m.ortune-fp16.onnx");
  assert_int_equal(ortune_sha256_file(dst, hex), ORTUNE_OK);
  assert_string_equal(ortune_config_provenance(c, "model_override_sha256"), hex);
  /* the runtime resolves it next to the model, and opens it */
  assert_int_equal(ortune_config_model_path(c, model, path, sizeof path), ORTUNE_OK);
  assert_string_equal(path, dst);
  OrtSession *s = NULL;
  assert_int_equal(ortune_session_create_cfg(model, c, NULL, &s), ORTUNE_OK);
  ortune_ort_api()->ReleaseSession(s);
  /* written into a config file and loaded back */
  assert_int_equal(ortune_config_save(c, tmp_path("c.yaml")), ORTUNE_OK);
  assert_int_equal(ortune_session_create(model, tmp_path("c.yaml"), NULL, &s), ORTUNE_OK);
  ortune_ort_api()->ReleaseSession(s);
  /* a changed file is refused, a missing one too: one line naming it */
  FILE *f = fopen(dst, "ab");
  fputc(0, f);
  fclose(f);
  assert_int_equal(ortune_session_create_cfg(model, c, NULL, &s), ORTUNE_EMODEL);
  assert_contains(ortune_last_error(), "changed since tune wrote it");
  /* tune again replaces its own file, never a foreign one */
  assert_int_equal(ortune_config_set(c, "model_override", work), ORTUNE_OK);
  assert_int_equal(ortune_tune_transform_finish(c, model, NULL), ORTUNE_EIO); /* the appended byte: not ours any more */
  unlink(dst);
  assert_int_equal(ortune_config_set(c, "model_override", "m.ortune-fp16.onnx"), ORTUNE_OK);
  assert_int_equal(ortune_session_create_cfg(model, c, NULL, &s), ORTUNE_EIO);
  assert_contains(ortune_last_error(), "m.ortune-fp16.onnx");
  write_text(dst, "not ortune's");
  assert_int_equal(ortune_config_set(c, "model_override", work), ORTUNE_OK);
  assert_int_equal(ortune_tune_transform_finish(c, model, NULL), ORTUNE_EIO);
  assert_contains(ortune_last_error(), "not written by ortune");
  ortune_config_release(c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_f16_bits),
    cmocka_unit_test(test_convert_model),
    cmocka_unit_test(test_convert_refuses),
    cmocka_unit_test(test_accuracy),
    cmocka_unit_test(test_override),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
