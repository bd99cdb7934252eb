// mem*/str* for the kernel. The empty asm in each loop stops clang from recognising the loop as
// a memset/memcpy idiom and calling the function from itself.
#include "common/util.h"

extern "C" {

void* memset(void* dst, int c, size_t n) {
    auto* d = static_cast<unsigned char*>(dst);
    if ((reinterpret_cast<uintptr_t>(d) & 7) == 0 && (n & 7) == 0) {
        u64 v = static_cast<unsigned char>(c) * 0x0101010101010101UL;
        for (size_t i = 0; i < n; i += 8) {
            *reinterpret_cast<u64*>(d + i) = v;
            asm volatile("" ::: "memory");
        }
        return dst;
    }
    for (size_t i = 0; i < n; ++i) {
        d[i] = static_cast<unsigned char>(c);
        asm volatile("" ::: "memory");
    }
    return dst;
}

void* memcpy(void* dst, const void* src, size_t n) {
    auto* d = static_cast<unsigned char*>(dst);
    auto* s = static_cast<const unsigned char*>(src);
    if (((reinterpret_cast<uintptr_t>(d) | reinterpret_cast<uintptr_t>(s) | n) & 7) == 0) {
        for (size_t i = 0; i < n; i += 8) {
            *reinterpret_cast<u64*>(d + i) = *reinterpret_cast<const u64*>(s + i);
            asm volatile("" ::: "memory");
        }
        return dst;
    }
    for (size_t i = 0; i < n; ++i) {
        d[i] = s[i];
        asm volatile("" ::: "memory");
    }
    return dst;
}

void* memmove(void* dst, const void* src, size_t n) {
    auto* d = static_cast<unsigned char*>(dst);
    auto* s = static_cast<const unsigned char*>(src);
    if (d <= s || d >= s + n) return memcpy(dst, src, n);
    for (size_t i = n; i-- > 0;) {
        d[i] = s[i];
        asm volatile("" ::: "memory");
    }
    return dst;
}

int memcmp(const void* a, const void* b, size_t n) {
    auto* x = static_cast<const unsigned char*>(a);
    auto* y = static_cast<const unsigned char*>(b);
    for (size_t i = 0; i < n; ++i)
        if (x[i] != y[i]) return x[i] - y[i];
    return 0;
}

size_t strlen(const char* s) {
    size_t n = 0;
    while (s[n]) ++n;
    return n;
}

int strcmp(const char* a, const char* b) {
    while (*a && *a == *b) ++a, ++b;
    return static_cast<unsigned char>(*a) - static_cast<unsigned char>(*b);
}

int strncmp(const char* a, const char* b, size_t n) {
    for (; n; --n, ++a, ++b) {
        if (*a != *b) return static_cast<unsigned char>(*a) - static_cast<unsigned char>(*b);
        if (!*a) return 0;
    }
    return 0;
}
}
