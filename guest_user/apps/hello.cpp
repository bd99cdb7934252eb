// A well-behaved spawned process.
#include "chcore/chcore.h"

extern "C" int main() {
    printf("Hello from a spawned process on CPU %ld\n", usys_get_cpu_id());
    return 0;
}
