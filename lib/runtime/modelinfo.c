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

/* GraphProto: walk its fields (validating them) and keep name = 2. */
static int read_graph(const model_ctx *m, const pb_reader *outer, const pb_field *g, ortune_model_info *out) {
  pb_reader r = pb_sub(outer, g);
  pb_field f = {0};
  int rc;
  while ((rc = pb_next(&r, &f)) == PB_FIELD)
    if (f.num == 2 && f.wt == PB_LEN) copy_str(out->graph_name, sizeof out->graph_name, &f);
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
