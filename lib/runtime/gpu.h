/* gpu.h - CUDA runtime helpers loaded at run time (internal). */
#ifndef ORTUNE_GPU_H
#define ORTUNE_GPU_H
#include <stddef.h>
int ortune_ort_lib_dir(char *buf, size_t len);
/* cudaMemcpy host->device (to_device=1) or device->host (0). */
int ortune_cuda_memcpy(void *dst, const void *src, size_t n, int to_device);
/* A CUDA stream for ORT's user_compute_stream, and event timing around work on it. */
int ortune_cuda_stream_create(void **stream);
/* Record e[0] (start=1) or e[1] (start=0) on stream; ortune_cuda_events_ms waits for e[1] and returns the span in ms. */
int ortune_cuda_event_record(void *stream, void **ev, int start);
double ortune_cuda_events_ms(void **ev);
/* Asynchronous copies on a stream (kind: 1 host->device, 2 device->host, 3 device->device), pinned host memory. */
int ortune_cuda_memcpy_async(void *dst, const void *src, size_t n, int kind, void *stream);
int ortune_cuda_stream_sync(void *stream);
int ortune_cuda_host_alloc(void **p, size_t n);
void ortune_cuda_host_free(void *p);
void ortune_cuda_stream_destroy(void *stream);
/* 1 when p points into pinned (page-locked, CUDA-registered) host memory. */
int ortune_cuda_is_pinned(const void *p);
#endif
