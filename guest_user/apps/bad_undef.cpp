// Executes an undefined instruction and then writes to its own code: killed at the first.
#include "chcore/chcore.h"

extern "C" int main() {
    printf("bad_undef: executing udf\n");
    asm volatile("udf #0");
    printf("bad_undef: FAIL, survived udf\n");
    return 1;
}
