// Reads kernel memory from EL0: the kernel must kill this process and go on.
#include "chcore/chcore.h"

extern "C" int main() {
    volatile unsigned long* kernel = reinterpret_cast<volatile unsigned long*>(0xffffff0000080000UL);
    printf("bad_kernel_access: reading kernel memory\n");
    unsigned long v = *kernel;
    printf("bad_kernel_access: FAIL, read 0x%lx\n", v);
    return 1;
}
