// Board constants shared by the whole kernel.
#pragma once
#include "common/types.h"

#define PLAT_CPU_NUM 4

// The kernel's linear map: physical address P is at virtual KBASE + P.
constexpr u64 KBASE = 0xffffff0000000000UL;

constexpr u64 PAGE_SHIFT = 12;
constexpr u64 PAGE_SIZE = 1UL << PAGE_SHIFT;
constexpr u64 PAGE_MASK = PAGE_SIZE - 1;

constexpr u64 KSTACK_SIZE = 0x4000;  // per-CPU boot/idle kernel stack

inline constexpr u64 phys_to_virt(u64 pa) { return pa + KBASE; }
inline constexpr u64 virt_to_phys(u64 va) { return va - KBASE; }

template <typename T>
inline T* phys_to_ptr(paddr_t pa) { return reinterpret_cast<T*>(phys_to_virt(pa)); }
inline paddr_t ptr_to_phys(const void* p) { return virt_to_phys(reinterpret_cast<u64>(p)); }

constexpr u64 round_up(u64 x, u64 a) { return (x + a - 1) & ~(a - 1); }
constexpr u64 round_down(u64 x, u64 a) { return x & ~(a - 1); }
