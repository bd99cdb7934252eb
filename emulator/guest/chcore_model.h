// A model of a ChCore kernel, found from the image's symbols only, that turns what the cores do
// (SVC and IRQ entries, ERETs: guest/kernel_observer.h) into kernel events for the trace sinks:
// thread switches, syscalls by handler name with their first arguments and results, IPC calls and
// returns (and the server thread a call migrated to), IRQ exits. It only reads guest state (RAM and
// registers): a run with the model is the same run, with the same hash.
//
// What it relies on, each checked when the image is loaded (any check failing: no model, and the
// trace stays machine-level; the reason is logged at debug level):
//   - `current_threads`: an array of kNumCores pointers (symbol size 8 x 4), indexed by the CPU id,
//     which is MPIDR Aff0 (chemu's core number), holding each CPU's running thread, read at every
//     ERET: a change is a thread switch. Every ChCore thread is entered by an ERET (eret_to_thread).
//   - `idle_threads`: an array of kNumCores thread objects (symbol size divisible by 4): a pointer
//     into it is CPU n's idle thread, named `idle/n`.
//   - `syscall_table` (optional, else syscalls are named by number): an array indexed by the number
//     in x8 whose entries start with the handler's address; the entry size is the smallest of 8 and
//     16 for which every entry's first word is 0 or the start of a function symbol, at load time.
//     A handler that is a single `B target` (a thunk) is named after its target.
//   - Thread names (optional, else threads are named by address): our kernel exports
//     `chcore_trace_layout` (see guest_kernel/object/thread.cpp): a magic word, then the offsets of
//     thread::cap_group and cap_group::name.
//   - `rr_ready_queue_meta` (optional): 4 entries (symbol size divisible by 4), each starting with the
//     head of a circular list of the CPU's ready threads: the walk through each node's first pointer
//     must come back to the head, else no count (thread-switch lines then have no `ready=`).
//   - The kernel half of the address space (TTBR1) is mapped at boot and never changes (both ChCore
//     kernels map RAM once): a kernel object's page is walked once and remembered.
// ChCore's syscall convention: number in x8, arguments in x0-x5, result in x0 at the ERET back.
#pragma once
#include <tuple>
#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "guest/kernel_observer.h"
#include "guest/symbols.h"
#include "machine/guest_ram.h"
#include "trace/tracer.h"

namespace chemu {

class ChcoreModel final : public KernelObserver {
 public:
  static constexpr int kCores = 4;
  static constexpr uint64_t kLayoutMagic = 0x74756f79616c6863ull;  // "chlayout", little-endian

  // The model of the loaded image, or nullptr (and the reason in `why`) when the symbols or the
  // layout checks say it is not a ChCore kernel this model understands.
  static std::unique_ptr<ChcoreModel> find(const Symbols& symbols, const GuestRam& ram, Tracer& tracer, std::string* why);

  void on_syscall(Core& c, uint64_t return_pc) override;
  void on_irq(Core& c) override;
  void on_eret(Core& c, uint64_t to, int el) override;

  // The handler name of syscall `nr` ("sys_putstr"), or "unknown" when the table does not name one.
  std::string syscall_name(uint64_t nr) const;
  // How the model names a thread object: "idle/1", "procmgr/1a20" (our kernel), "0xffffff...".
  std::string thread_name(const Core& c, uint64_t thread) const;

  // What changes as the guest runs, for machine snapshots (the name caches only grow).
  auto fields() { return std::tie(pending_, spaces_, entry_, running_); }

 private:
  ChcoreModel(const Symbols& s, const GuestRam& ram, Tracer& t) : symbols_(s), ram_(ram), tracer_(t) {}
  uint64_t current_thread(int core) const;
  GuestThread describe(const Core& c, uint64_t thread) const;
  std::string process_name(const Core& c, uint64_t group) const;
  std::optional<uint64_t> kernel_pa(const Core& c, uint64_t va) const;
  std::optional<uint32_t> ready_count(const Core& c, int cpu) const;
  std::optional<uint64_t> read_image_u64(uint64_t va) const;
  void emit(const Core& c, EventKind k, std::string details, const KernelEvent& e);

  const Symbols& symbols_;
  const GuestRam& ram_;
  Tracer& tracer_;
  uint64_t current_threads_pa_ = 0;
  uint64_t idle_threads_ = 0, idle_stride_ = 0;
  uint64_t syscall_table_ = 0, syscall_stride_ = 0, syscall_count_ = 0;  // count 0: no table
  uint64_t ready_queues_ = 0, ready_stride_ = 0;             // rr_ready_queue_meta, if found
  std::optional<std::pair<uint64_t, uint64_t>> name_layout_;  // (thread::cap_group, cap_group::name)
  mutable std::map<uint64_t, std::string> handler_names_;    // by handler address
  mutable std::map<uint64_t, std::pair<uint64_t, std::string>> names_;  // thread -> (its cap_group, name)
  mutable std::map<uint64_t, uint64_t> kernel_pages_;  // kernel-half page VA -> PA (TTBR1 never changes)

  // A syscall a thread made that has not returned yet.
  struct Pending {
    std::string call;
    uint64_t return_pc;
    uint64_t server = 0;  // an ipc_call that migrated: the server thread
  };
  std::map<uint64_t, Pending> pending_;  // by thread
  std::map<uint64_t, uint64_t> spaces_;  // thread -> address space it last ran in at EL0
  // What entered the kernel on each core since its last ERET.
  struct Entry {
    enum Kind { None, Syscall, Irq } kind = None;
    uint64_t thread = 0;
    std::string call;
    uint64_t arg0 = 0;
  };
  std::array<Entry, kCores> entry_{};
  std::array<uint64_t, kCores> running_{};  // the thread each core last ran, as the model saw it
};

}  // namespace chemu
