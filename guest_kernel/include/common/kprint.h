// Kernel console output. Every printk call emits its whole text under one console lock, so lines
// of different CPUs never interleave character by character.
#pragma once
#include <stdarg.h>
#include "common/types.h"

void printk(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void vprintk(const char* fmt, va_list ap);
int vsnprintf(char* buf, size_t size, const char* fmt, va_list ap);
int snprintf(char* buf, size_t size, const char* fmt, ...) __attribute__((format(printf, 3, 4)));
// Writes raw bytes (already in kernel memory) under the console lock.
void console_write(const char* s, size_t len);

#define kinfo(fmt, ...) printk("[INFO] " fmt, ##__VA_ARGS__)
#define kwarn(fmt, ...) printk("[WARN] " fmt, ##__VA_ARGS__)
#ifdef KERNEL_DEBUG
#define kdebug(fmt, ...) printk("[DEBUG] " fmt, ##__VA_ARGS__)
#else
#define kdebug(fmt, ...) do { } while (0)
#endif
