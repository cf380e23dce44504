/* modelinfo.c - read an ONNX model's header fields (IR version, producer, opsets, graph name) without ORT. */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- protobuf wire format (the same block is in tensorio.c and modelinfo.c) ---- */

enum { PB_END = 0, PB_FIELD = 1, PB_BAD = -1, PB_TRUNC = -2 };
enum { PB_VARINT = 0, PB_FIXED64 = 1, PB_LEN = 2, PB_FIXED32 = 5 };

typedef struct {
  const uint8_t *start, *p, *end;
  size_t base;   /* offset of start in the file, for messages */
  uint64_t need; /* after PB_TRUNC: the file offset the cut field would end at */
} pb_reader;

typedef struct {
  uint32_t num;
  int wt;
  size_t at;        /* file offset of the key */
  uint64_t v;       /* varint or fixed value; the length of a length-delimited one */
  const uint8_t *p; /* the value's bytes (fixed or length-delimited) */
  size_t n;
} pb_field;

static int pb_varint(const uint8_t **pp, const uint8_t *end, uint64_t *v) {
  uint64_t x = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (*pp >= end) return PB_TRUNC;
    uint8_t b = *(*pp)++;
    x |= (uint64_t)(b & 0x7f) << shift;
    if (!(b & 0x80)) {
      *v = x;
      return PB_FIELD;
    }
  }
  return PB_BAD;
}

static int pb_trunc(pb_reader *r, uint64_t need) {
  r->need = need;
  return PB_TRUNC;
}

/* Read the next field's key and value, stepping over the value. PB_END at the end. */
static int pb_next(pb_reader *r, pb_field *f) {
  uint64_t key, eof = r->base + (uint64_t)(r->end - r->start);
  int rc;
  f->num = 0;
  if (r->p >= r->end) return PB_END;
  f->at = r->base + (size_t)(r->p - r->start);
  if ((rc = pb_varint(&r->p, r->end, &key)) != PB_FIELD) return rc == PB_TRUNC ? pb_trunc(r, eof + 1) : rc;
  f->num = (uint32_t)(key >> 3);
  f->wt = (int)(key & 7);
  if (f->num == 0 || key >> 3 > 0x1fffffff) return PB_BAD;
  switch (f->wt) {
  case PB_VARINT:
    rc = pb_varint(&r->p, r->end, &f->v);
    return rc == PB_TRUNC ? pb_trunc(r, eof + 1) : rc;
  case PB_FIXED64:
  case PB_FIXED32: f->n = f->wt == PB_FIXED64 ? 8 : 4; break;
  case PB_LEN:
    if ((rc = pb_varint(&r->p, r->end, &f->v)) != PB_FIELD) return rc == PB_TRUNC ? pb_trunc(r, eof + 1) : rc;
    f->n = f->v > SIZE_MAX ? SIZE_MAX : (size_t)f->v;
    break;
  default: return PB_BAD;
  }
  uint64_t at = r->base + (uint64_t)(r->p - r->start), len = f->wt == PB_LEN ? f->v : f->n;
  if (f->n > (size_t)(r->end - r->p)) return pb_trunc(r, len > UINT64_MAX - at ? UINT64_MAX : at + len);
  f->p = r->p;
  if (f->wt != PB_LEN) {
    f->v = 0;
    memcpy(&f->v, f->p, f->n);
  }
  r->p += f->n;
  return PB_FIELD;
}

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
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return ortune_set_error(ORTUNE_EIO, "read model %s: %s: check the path", path, strerror(errno));
  const char *why = fstat(fd, &st) != 0 ? strerror(errno)
                    : S_ISDIR(st.st_mode)  ? "is a directory"
                    : !S_ISREG(st.st_mode) ? "not a regular file"
                                           : NULL;
  if (why) {
    close(fd);
    return ortune_set_error(ORTUNE_EIO, "read model %s: %s: give the path of an .onnx file", path, why);
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
  int rc = decode_model(&m, map, m.size, out);
  munmap(map, m.size);
  if (rc) memset(out, 0, sizeof *out);
  return rc;
}
