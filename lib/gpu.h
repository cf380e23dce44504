/* gpu.h - CUDA runtime helpers loaded at run time (internal). */
#ifndef ORTUNE_GPU_H
#define ORTUNE_GPU_H
#include <stddef.h>
int ortune_ort_lib_dir(char *buf, size_t len);
/* cudaMemcpy host->device (to_device=1) or device->host (0). */
int ortune_cuda_memcpy(void *dst, const void *src, size_t n, int to_device);
int ortune_cuda_sync(void);
#endif
