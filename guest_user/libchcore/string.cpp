// mem*/str* for user programs (the compiler may emit calls to memset/memcpy).
#include "chcore/chcore.h"

extern "C" {
void* memset(void* dst, int c, unsigned long n) {
    auto* d = static_cast<unsigned char*>(dst);
    for (unsigned long i = 0; i < n; ++i) {
        d[i] = static_cast<unsigned char>(c);
        asm volatile("" ::: "memory");
    }
    return dst;
}
void* memcpy(void* dst, const void* src, unsigned long n) {
    auto* d = static_cast<unsigned char*>(dst);
    auto* s = static_cast<const unsigned char*>(src);
    for (unsigned long i = 0; i < n; ++i) {
        d[i] = s[i];
        asm volatile("" ::: "memory");
    }
    return dst;
}
unsigned long strlen(const char* s) {
    unsigned long n = 0;
    while (s[n]) ++n;
    return n;
}
int strcmp(const char* a, const char* b) {
    while (*a && *a == *b) ++a, ++b;
    return static_cast<unsigned char>(*a) - static_cast<unsigned char>(*b);
}
}
