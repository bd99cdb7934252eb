// libchcore: the user-space API of the chemu guest.
#pragma once
#include <stdarg.h>
#include "chcore/syscall.h"

#define NO_AFF (-1)
#define PLAT_CPU_NUM 4

extern "C" {
int printf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
int vsnprintf(char* buf, unsigned long size, const char* fmt, va_list ap);
int snprintf(char* buf, unsigned long size, const char* fmt, ...) __attribute__((format(printf, 3, 4)));
void* memset(void* dst, int c, unsigned long n);
void* memcpy(void* dst, const void* src, unsigned long n);
unsigned long strlen(const char* s);
int strcmp(const char* a, const char* b);
}

// Starts fn(arg) in a new thread of this process with its own 64 KiB stack. Returns the thread's
// cap or a negative errno. The thread exits when fn returns.
long create_thread(void (*fn)(void*), void* arg, long affinity);
// Waits for the process behind cap (yielding meanwhile) and returns its exit status.
long wait_process(long cg_cap);
