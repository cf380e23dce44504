/* modelinfo.c - read an ONNX model's header fields (IR version, producer, opsets, graph name) without ORT. */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pbwire.h"

/* A reader over a length-delimited field's contents. */
static pb_reader pb_sub(const pb_reader *outer, const pb_field *f) {
  pb_reader r = {f->p, f->p, f->p + f->n, outer->base + (size_t)(f->p - outer->start), 0};
  return r;
}

/* ---- ModelProto ------------------------------------------------------------- */

typedef struct {
  const char *path;
  size_t size;
} model_ctx;

static int model_error(const model_ctx *m, const pb_reader *r, const pb_field *f, int rc, const char *where) {
  if (rc == PB_TRUNC)
    return ortune_set_error(ORTUNE_EMODEL,
                            "read model %s: truncated (file is %zu bytes, %s at byte %zu needs %llu): "
                            "download or export the model again",
                            m->path, m->size, where, f->at, (unsigned long long)r->need);
  return ortune_set_error(ORTUNE_EMODEL,
                          "read model %s: not an ONNX model: byte %zu is not a valid protobuf field%s%s: "
                          "give the path of an .onnx file (ModelProto)",
                          m->path, f->at, *where ? " in " : "", where);
}

/* Copy a protobuf string into a fixed buffer: truncated on a UTF-8 boundary, control bytes as '?'. */
static void copy_str(char *dst, size_t cap, const pb_field *f) {
  size_t n = f->n < cap - 1 ? f->n : cap - 1;
  if (n < f->n)
    while (n > 0 && (f->p[n] & 0xC0) == 0x80) n--;
  for (size_t i = 0; i < n; i++) dst[i] = f->p[i] < 0x20 || f->p[i] == 0x7f ? '?' : (char)f->p[i];
  dst[n] = 0;
}

/* Wire type of a known ModelProto field, -1 for fields this reader does not know. */
static int model_field_wt(uint32_t num) {
  switch (num) {
  case 1: case 5: return PB_VARINT;                    /* ir_version, model_version */
  case 2: case 3: case 4: case 6: case 7: case 8:      /* strings, graph, opset_import */
  case 14: case 20: case 25: case 26: return PB_LEN;   /* metadata, training, functions, configuration */
  default: return -1;
  }
}

/* The first length-delimited field number num inside f (0 if none or malformed). */
static int pb_child(const pb_reader *outer, const pb_field *f, uint32_t num, pb_reader *sub, pb_field *out) {
  pb_reader r = pb_sub(outer, f);
  while (pb_next(&r, out) == PB_FIELD)
    if (out->num == num && out->wt == PB_LEN) {
      *sub = r;
      return 1;
    }
  return 0;
}

/* ValueInfoProto of a graph input: type = 2 > tensor_type = 1 > shape = 2 > dim = 1 > dim_param = 2. */
static void read_input_dims(const pb_reader *outer, const pb_field *vi, ortune_model_info *out) {
  pb_reader r1, r2, r3;
  pb_field type, tt, shape;
  if (!pb_child(outer, vi, 2, &r1, &type) || !pb_child(&r1, &type, 1, &r2, &tt) || !pb_child(&r2, &tt, 2, &r3, &shape)) return;
  pb_reader r = pb_sub(&r3, &shape);
  pb_field d;
  while (pb_next(&r, &d) == PB_FIELD) {
    pb_reader rd;
    pb_field p;
    if (d.num != 1 || d.wt != PB_LEN || !pb_child(&r, &d, 2, &rd, &p) || !p.n) continue;
    char name[64];
    copy_str(name, sizeof name, &p);
    int dup = 0;
    for (int i = 0; i < out->ndim_params && !dup; i++) dup = !strcmp(out->dim_params[i], name);
    if (!dup && out->ndim_params < 32) memcpy(out->dim_params[out->ndim_params++], name, sizeof name);
  }
}

/* GraphProto: walk its fields (validating them) and keep name = 2 and the inputs' (11) dim_params. */
static int read_graph(const model_ctx *m, const pb_reader *outer, const pb_field *g, ortune_model_info *out) {
  pb_reader r = pb_sub(outer, g);
  pb_field f = {0};
  int rc;
  while ((rc = pb_next(&r, &f)) == PB_FIELD) {
    if (f.num == 2 && f.wt == PB_LEN) copy_str(out->graph_name, sizeof out->graph_name, &f);
    if (f.num == 11 && f.wt == PB_LEN) read_input_dims(&r, &f, out);
  }
  return rc == PB_END ? ORTUNE_OK : model_error(m, &r, &f, rc, "the graph");
}

/* OperatorSetIdProto: domain = 1, version = 2. */
static int read_opset(const model_ctx *m, const pb_reader *outer, const pb_field *o, ortune_model_info *out) {
  pb_reader r = pb_sub(outer, o);
  pb_field f = {0};
  char domain[sizeof out->opsets[0].domain] = "";
  int64_t version = 0;
  int rc;
  while ((rc = pb_next(&r, &f)) == PB_FIELD) {
    if (f.num == 1 && f.wt == PB_LEN) copy_str(domain, sizeof domain, &f);
    if (f.num == 2 && f.wt == PB_VARINT) version = (int64_t)f.v;
  }
  if (rc != PB_END) return model_error(m, &r, &f, rc, "an opset_import");
  if (out->nopsets < (int)(sizeof out->opsets / sizeof out->opsets[0])) {
    memcpy(out->opsets[out->nopsets].domain, domain, sizeof domain);
    out->opsets[out->nopsets++].version = version;
  }
  return ORTUNE_OK;
}

static int decode_model(const model_ctx *m, const uint8_t *buf, size_t len, ortune_model_info *out) {
  pb_reader r = {buf, buf, buf + len, 0, 0};
  pb_field f = {0};
  int rc, have_graph = 0;
  while ((rc = pb_next(&r, &f)) == PB_FIELD) {
    int wt = model_field_wt(f.num);
    /* the first field must be a ModelProto one: rejects text and other files early */
    if ((wt < 0 && f.at == 0) || (wt >= 0 && f.wt != wt)) return model_error(m, &r, &f, PB_BAD, "");
    switch (f.num) {
    case 1: out->ir_version = (int64_t)f.v; break;
    case 2: copy_str(out->producer, sizeof out->producer, &f); break;
    case 3: copy_str(out->producer_version, sizeof out->producer_version, &f); break;
    case 4: copy_str(out->domain, sizeof out->domain, &f); break;
    case 5: out->model_version = (int64_t)f.v; break;
    case 7:
      if ((rc = read_graph(m, &r, &f, out))) return rc;
      have_graph = 1;
      break;
    case 8:
      if ((rc = read_opset(m, &r, &f, out))) return rc;
      break;
    default: break; /* doc_string, metadata_props, functions, unknown: skipped */
    }
  }
  if (rc != PB_END) return model_error(m, &r, &f, rc, rc == PB_BAD ? "" : f.num == 7 ? "the graph" : "a field");
  if (!have_graph)
    return ortune_set_error(ORTUNE_EMODEL, "read model %s: not an ONNX model: it has no graph: "
                                           "give the path of a complete .onnx file (ModelProto)", m->path);
  if (out->nopsets == 0 && out->ir_version >= 3)
    return ortune_set_error(ORTUNE_EMODEL, "read model %s: no opset_import (required since IR version 3): "
                                           "the file may be cut short; download or export the model again", m->path);
  return ORTUNE_OK;
}

int ortune_model_info_read(const char *path, ortune_model_info *out) {
  struct stat st;
  memset(out, 0, sizeof *out);
  int fd;
  int rc = ortune_open_regular(path, "model", &fd); /* a FIFO is refused, not waited on */
  if (rc) return rc;
  if (fstat(fd, &st) != 0) {
    int err = errno;
    close(fd);
    return ortune_set_error(ORTUNE_EIO, "read model %s: %s: check the path", path, strerror(err));
  }
  if (st.st_size == 0) {
    close(fd);
    return ortune_set_error(ORTUNE_EMODEL, "read model %s: empty file: download or export the model again", path);
  }
  model_ctx m = {path, (size_t)st.st_size};
  void *map = mmap(NULL, m.size, PROT_READ, MAP_PRIVATE, fd, 0);
  int err = errno;
  close(fd);
  if (map == MAP_FAILED)
    return ortune_set_error(ORTUNE_EIO, "read model %s: cannot map the file (%s): check it is readable", path, strerror(err));
  rc = decode_model(&m, map, m.size, out);
  munmap(map, m.size);
  if (rc) memset(out, 0, sizeof *out);
  return rc;
}

int ortune_model_check_freedims(const ortune_model_info *mi, const ortune_config *cfg) {
  for (int f = 0; cfg && f < cfg->nfree; f++) {
    int best = -1, bd = 1 << 30;
    for (int i = 0; i < mi->ndim_params; i++) {
      int d = ortune_edit_distance(cfg->freedim[f].name, mi->dim_params[i]);
      if (!d) { best = -2; break; }
      if (d < bd) { bd = d; best = i; }
    }
    if (best == -2) continue;
    char list[600] = "";
    size_t k = 0;
    for (int i = 0; i < mi->ndim_params && k < sizeof list; i++)
      k += (size_t)snprintf(list + k, sizeof list - k, "%s%s", i ? ", " : "", mi->dim_params[i]);
    int close = best >= 0 && (size_t)bd * 3 <= strlen(mi->dim_params[best]) + 2 && (size_t)bd < strlen(mi->dim_params[best]);
    return ortune_set_error(ORTUNE_EUSAGE, "--free-dim (free_dimension_overrides): the model has no symbolic dim '%s'%s%s%s: "
                            "the model's symbolic dims: %s", cfg->freedim[f].name, close ? " (did you mean '" : "",
                            close ? mi->dim_params[best] : "", close ? "'?)" : "", k ? list : "none");
  }
  return ORTUNE_OK;
}
