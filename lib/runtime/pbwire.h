/* pbwire.h - a bounds-checked protobuf wire-format reader shared by tensorio.c and modelinfo.c (internal). */
#ifndef ORTUNE_PBWIRE_H
#define ORTUNE_PBWIRE_H
#include <stdint.h>
#include <string.h>

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

static inline int pb_varint(const uint8_t **pp, const uint8_t *end, uint64_t *v) {
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

static inline int pb_trunc(pb_reader *r, uint64_t need) {
  r->need = need;
  return PB_TRUNC;
}

/* Read the next field's key and value, stepping over the value. PB_END at the end. */
static inline int pb_next(pb_reader *r, pb_field *f) {
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

#endif
