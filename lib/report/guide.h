/* guide.h - the parameter guide behind `ortune explain`, in English and Korean. */
#ifndef ORTUNE_GUIDE_H
#define ORTUNE_GUIDE_H

typedef struct {
  const char *option;      /* option name exactly as ORT spells it, or "provider", "io" */
  const char *en_summary;  /* one line */
  const char *en_body;     /* several lines: what it does, values, what it trades (speed, memory, startup, numerics), the seed's advice and where it is wrong, ORT default */
  const char *ko_summary;
  const char *ko_body;
} ortune_guide_entry;

/* Generated from docs/parameters/{en,ko}/ by tools/guidegen.c (guide_data.c in the build directory), sorted by
 * option name. */
extern const ortune_guide_entry ortune_guide[];
extern const int ortune_guide_count;
extern const char ortune_guide_intro_en[], ortune_guide_intro_ko[];

/* The entry for option (an accepted alias such as gpu_mem_limit_gb finds its
 * option's entry), or NULL if there is none. */
const ortune_guide_entry *ortune_guide_find(const char *option);

/* A general introduction (workflow: `ortune tune MODEL --config config.yaml` -> `ortune compare` -> load config.yaml
 * in production with ortune_session_create(); per-GPU-class starting points; where the seed guide is wrong). */
const char *ortune_guide_intro(int korean);

/* 1 if the message locale is Korean: the first of LC_ALL, LC_MESSAGES, LANG that
 * is set and non-empty starts with "ko" (POSIX precedence). */
int ortune_guide_lang_is_korean(void);

/* The intro's per-GPU-class starting points as data: for class "high", "mid" or "entry" (ortune_gpu_class), the
 * options and values the guide suggests ({NULL, NULL}-terminated; empty for "cpu" or an unknown class), and a
 * one-paragraph note (the seed's advice for the class and what measurement said about it). */
typedef struct {
  const char *option, *value;
} ortune_guide_pick;
const ortune_guide_pick *ortune_guide_class_picks(const char *cls);
const char *ortune_guide_class_note(const char *cls, int korean);

#endif
