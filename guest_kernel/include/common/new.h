// Placement new for the freestanding kernel (there is no <new>).
#pragma once
#include "common/types.h"
inline void* operator new(size_t, void* p) noexcept { return p; }
