// What a core tells a model of the guest kernel, at the points where chemu itself already acts: the
// exception entries it performs and the exception returns it notices. No instruction hook is added
// for it; a core without an observer (the default, and whenever no sink asks for kernel events)
// pays one pointer test on these rare paths.
#pragma once
#include <cstdint>

namespace chemu {

class Core;

class KernelObserver {
 public:
  virtual ~KernelObserver() = default;
  // An SVC from EL0 is being taken (registers still hold the caller's arguments); `return_pc` is
  // where the caller resumes.
  virtual void on_syscall(Core& c, uint64_t return_pc) = 0;
  // An IRQ is being taken.
  virtual void on_irq(Core& c) = 0;
  // An ERET has run: the core is at `to`, at EL `el`, with the registers the kernel restored.
  virtual void on_eret(Core& c, uint64_t to, int el) = 0;
};

}  // namespace chemu
