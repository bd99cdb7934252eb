// Small helpers used everywhere: invariant checks and container_of.
#pragma once
#include "common/types.h"

[[noreturn]] void kernel_panic(const char* file, int line, const char* msg);

#define BUG_ON(cond)                                                   \
    do {                                                               \
        if (__builtin_expect(!!(cond), 0)) kernel_panic(__FILE__, __LINE__, "BUG_ON(" #cond ")"); \
    } while (0)
#define BUG(msg) kernel_panic(__FILE__, __LINE__, msg)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
