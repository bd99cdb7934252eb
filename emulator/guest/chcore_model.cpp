#include "guest/chcore_model.h"

#include <fmt/format.h>

#include "cpu/core.h"

namespace chemu {

namespace {

constexpr uint32_t kBranchMask = 0xfc000000, kBranch = 0x14000000;  // B imm26
constexpr uint64_t kSpaceMask = 0x0000fffffffffffeull;              // TTBR0_EL1.BADDR (no ASID, no CnP)

// Syscall results: small negative values are errnos, printed as such; anything else in hex.
std::string result_text(uint64_t v) {
  const auto s = int64_t(v);
  return s < 0 && s >= -4095 ? fmt::format("{}", s) : fmt::format("{:#x}", v);
}

}  // namespace

std::unique_ptr<ChcoreModel> ChcoreModel::find(const Symbols& symbols, const GuestRam& ram, Tracer& tracer, std::string* why) {
  auto fail = [&](std::string reason) {
    if (why) *why = std::move(reason);
    return nullptr;
  };
  if (symbols.empty()) return fail("the image has no symbols");
  const Symbols::Symbol* current = symbols.find("current_threads");
  if (!current) return fail("no current_threads symbol");
  if (current->size != 8 * kCores) return fail(fmt::format("current_threads is {} bytes, not {} pointers", current->size, kCores));
  const auto current_pa = symbols.image_pa(current->addr);
  if (!current_pa || !GuestRam::contains(*current_pa, current->size)) return fail("current_threads is not in a loaded segment");
  const Symbols::Symbol* idle = symbols.find("idle_threads");
  if (!idle || idle->size == 0 || idle->size % kCores) return fail("no idle_threads array of 4 threads");

  std::unique_ptr<ChcoreModel> m(new ChcoreModel(symbols, ram, tracer));
  m->current_threads_pa_ = *current_pa;
  m->idle_threads_ = idle->addr;
  m->idle_stride_ = idle->size / kCores;

  // The syscall table's entry size: entries begin with a handler address (or 0).
  if (const Symbols::Symbol* table = symbols.find("syscall_table"); table && table->size >= 8) {
    for (uint64_t stride : {8, 16}) {
      if (table->size % stride) continue;
      bool fits = true, any = false;
      for (uint64_t off = 0; off < table->size && fits; off += stride) {
        const auto w = m->read_image_u64(table->addr + off);
        const auto hit = w && *w ? symbols.at(*w) : std::nullopt;  // a handler: the start of a function
        fits = w && (*w == 0 || (symbols.in_code(*w) && hit && hit->offset == 0 && hit->symbol->function));
        any = any || (w && *w);
      }
      if (fits && any) {
        m->syscall_table_ = table->addr, m->syscall_stride_ = stride, m->syscall_count_ = table->size / stride;
        break;
      }
    }
  }
  // The per-CPU ready queues, if the kernel has rr_ready_queue_meta: 4 entries, each starting with the
  // head of a circular list (checked on every read: the walk must come back to the head).
  if (const Symbols::Symbol* q = symbols.find("rr_ready_queue_meta"); q && q->size && q->size % kCores == 0)
    m->ready_queues_ = q->addr, m->ready_stride_ = q->size / kCores;
  // Our kernel says where thread and process names are.
  if (const Symbols::Symbol* layout = symbols.find("chcore_trace_layout"); layout && layout->size >= 24) {
    const auto magic = m->read_image_u64(layout->addr), cg = m->read_image_u64(layout->addr + 8),
               name = m->read_image_u64(layout->addr + 16);
    if (magic == kLayoutMagic && cg && name && *cg < 4096 && *name < 4096) m->name_layout_ = std::pair(*cg, *name);
  }
  return m;
}

std::optional<uint64_t> ChcoreModel::read_image_u64(uint64_t va) const {
  const auto pa = symbols_.image_pa(va);
  return pa ? ram_.load<uint64_t>(*pa) : std::nullopt;
}

uint64_t ChcoreModel::current_thread(int core) const {
  return ram_.load<uint64_t>(current_threads_pa_ + 8 * uint64_t(core)).value_or(0);
}

std::string ChcoreModel::syscall_name(uint64_t nr) const {
  const auto fallback = [] { return std::string("unknown"); };
  if (nr >= syscall_count_) return fallback();
  auto handler = read_image_u64(syscall_table_ + nr * syscall_stride_);
  if (!handler || !*handler) return fallback();
  if (auto it = handler_names_.find(*handler); it != handler_names_.end()) return it->second;
  uint64_t target = *handler;
  for (int hop = 0; hop < 2; ++hop) {  // a thunk that is one B: its target is the handler
    const auto pa = symbols_.image_pa(target);
    const auto word = pa ? ram_.load<uint32_t>(*pa) : std::nullopt;
    if (!word || (*word & kBranchMask) != kBranch) break;
    const int64_t imm = int64_t(uint64_t(*word & 0x03ffffff) << 38) >> 36;  // imm26 x 4, sign-extended
    target += uint64_t(imm);
  }
  const auto hit = symbols_.at(target);
  std::string name = hit && hit->offset == 0 ? hit->symbol->name : fallback();
  handler_names_.emplace(*handler, name);
  return name;
}

// A kernel object's physical address. The kernel's half (TTBR1) is mapped once at boot and never
// changes in ChCore, so each page is walked once and remembered; anything else is walked each time.
std::optional<uint64_t> ChcoreModel::kernel_pa(const Core& c, uint64_t va) const {
  if (va >> 63 == 0) return c.translate(va);
  const uint64_t page = va & ~0xfffull;
  auto it = kernel_pages_.find(page);
  if (it == kernel_pages_.end()) {
    const auto pa = c.translate(page);
    if (!pa) return std::nullopt;
    it = kernel_pages_.emplace(page, *pa).first;
  }
  return it->second | (va & 0xfff);
}

std::string ChcoreModel::thread_name(const Core& c, uint64_t t) const {
  if (!t) return "-";
  if (t >= idle_threads_ && t - idle_threads_ < idle_stride_ * kCores) return fmt::format("idle/{}", (t - idle_threads_) / idle_stride_);
  if (name_layout_) {
    // As the kernel's own sched_top names it: process, then bits 4-19 of the thread's address.
    const auto pa = kernel_pa(c, t + name_layout_->first);
    const uint64_t group = pa ? ram_.load<uint64_t>(*pa).value_or(0) : 0;
    auto& cached = names_[t];
    if (cached.first != group || cached.second.empty()) cached = {group, fmt::format("{}/{:07x}", process_name(c, group), (t >> 4) & 0xfffffff)};
    return cached.second;
  }
  return fmt::format("{:#x}", t);
}

// cap_group::name of `group` (one translation: the name never crosses a page, or is cut there).
std::string ChcoreModel::process_name(const Core& c, uint64_t group) const {
  if (!group) return "kernel";
  const uint64_t va = group + name_layout_->second;
  const auto pa = kernel_pa(c, va);
  std::string name;
  for (uint64_t i = 0; pa && i < 31 && ((va + i) & 0xfff) >= (va & 0xfff); ++i) {
    const auto ch = ram_.load<uint8_t>(*pa + i);
    if (!ch || !*ch) break;
    name.push_back(*ch >= 0x20 && *ch < 0x7f ? char(*ch) : '?');
  }
  return name.empty() ? "kernel" : name;
}

// How many threads wait in CPU `cpu`'s ready queue: the length of the circular list whose head starts
// its rr_ready_queue_meta entry, walked through the pointer at offset 0 of each node (the next pointer
// of ChCore's list_head, the prev pointer of our ListNode: either goes round). Nothing when the walk
// does not come back to the head within kMaxReady nodes (another layout, or a queue another core is
// changing under its lock).
std::optional<uint32_t> ChcoreModel::ready_count(const Core& c, int cpu) const {
  constexpr uint32_t kMaxReady = 256;
  if (!ready_queues_) return std::nullopt;
  const uint64_t head = ready_queues_ + ready_stride_ * uint64_t(cpu);
  uint64_t node = head;
  for (uint32_t n = 0; n <= kMaxReady; ++n) {
    const auto pa = kernel_pa(c, node);
    const auto next = pa ? ram_.load<uint64_t>(*pa) : std::nullopt;
    if (!next || *next >> 63 == 0) return std::nullopt;  // (list nodes are kernel objects)
    if (*next == head) return n;
    node = *next;
  }
  return std::nullopt;
}

GuestThread ChcoreModel::describe(const Core& c, uint64_t t) const {
  const auto s = spaces_.find(t);
  return {t, s == spaces_.end() ? 0 : s->second, thread_name(c, t)};
}

void ChcoreModel::emit(const Core& c, EventKind k, std::string details, const KernelEvent& e) {
  tracer_.emit_kernel(c.id(), c.cycles(), k, std::move(details), e);
}

void ChcoreModel::on_syscall(Core& c, uint64_t return_pc) {
  const int id = c.id();
  const uint64_t t = current_thread(id), nr = c.reg(UC_ARM64_REG_X8);
  const uint64_t a0 = c.reg(UC_ARM64_REG_X0), a1 = c.reg(UC_ARM64_REG_X1), a2 = c.reg(UC_ARM64_REG_X2);
  std::string call = syscall_name(nr);
  entry_[size_t(id)] = {Entry::Syscall, t, call, a0};
  pending_[t] = {call, return_pc, 0};
  if (!tracer_.wants(EventKind::Syscall)) return;
  KernelEvent e{describe(c, t), {}, call, 0};
  emit(c, EventKind::Syscall, fmt::format("thread={} {} nr={} args={:#x},{:#x},{:#x}", e.thread.name, call, nr, a0, a1, a2), e);
}

void ChcoreModel::on_irq(Core& c) {
  entry_[size_t(c.id())] = {Entry::Irq, current_thread(c.id()), {}, 0};
}

// After an ERET the core runs current_threads[core]. In this order: an IPC call that migrated to it
// (the syscall that entered the kernel was the client's ipc_call), an IPC return that migrated back
// to it, the thread switch if it changed, the end of the IRQ that entered the kernel, and the return
// of the syscall it made, if it resumes where that syscall returns (a thread restarted elsewhere, as
// an IPC server thread is for each call, never returns from its last syscall).
void ChcoreModel::on_eret(Core& c, uint64_t to, int el) {
  const int id = c.id();
  const uint64_t t = current_thread(id);
  const Entry entry = std::exchange(entry_[size_t(id)], Entry{});
  const uint64_t prev = std::exchange(running_[size_t(id)], t);
  if (el == 0 && t && t != prev) spaces_[t] = c.read_sysreg(sysreg::TTBR0_EL1) & kSpaceMask;  // (it changes only with the thread)

  if (entry.kind == Entry::Syscall && entry.call == "sys_ipc_call" && t != entry.thread && el == 0) {
    if (auto p = pending_.find(entry.thread); p != pending_.end()) p->second.server = t;
    if (tracer_.wants(EventKind::IpcCall)) {
      const KernelEvent e{describe(c, entry.thread), describe(c, t), entry.call, 0};
      emit(c, EventKind::IpcCall, fmt::format("thread={} server={} cap={}", e.thread.name, e.peer.name, entry.arg0), e);
    }
  }
  std::optional<Pending> returned;
  if (el == 0 && t)
    if (auto p = pending_.find(t); p != pending_.end()) {
      if (p->second.return_pc == to) returned = p->second;
      pending_.erase(p);
    }
  const uint64_t ret = returned ? c.reg(UC_ARM64_REG_X0) : 0;
  if (returned && returned->server && tracer_.wants(EventKind::IpcReturn)) {
    const KernelEvent e{describe(c, t), describe(c, returned->server), returned->call, ret};
    emit(c, EventKind::IpcReturn, fmt::format("thread={} server={} ret={}", e.thread.name, e.peer.name, result_text(ret)), e);
  }
  if (t != prev && tracer_.wants(EventKind::ThreadSwitch)) {
    KernelEvent e{describe(c, t), describe(c, prev), {}, 0};
    const auto ready = ready_count(c, id);
    e.ready = ready ? int64_t(*ready) : -1;
    emit(c, EventKind::ThreadSwitch, fmt::format("thread={} from={} space={:#x} pc={:#x}{} EL{}{}", e.thread.name, e.peer.name,
                                                 e.thread.space, to, c.sym(to), el, ready ? fmt::format(" ready={}", *ready) : ""), e);
  }
  if (entry.kind == Entry::Irq && tracer_.wants(EventKind::IrqExit)) {
    const KernelEvent e{describe(c, t), describe(c, entry.thread), {}, 0};
    emit(c, EventKind::IrqExit, fmt::format("thread={} pc={:#x}{} EL{}", e.thread.name, to, c.sym(to), el), e);
  }
  if (returned && tracer_.wants(EventKind::SyscallReturn)) {
    const KernelEvent e{describe(c, t), {}, returned->call, ret};
    emit(c, EventKind::SyscallReturn, fmt::format("thread={} {} ret={}", e.thread.name, returned->call, result_text(ret)), e);
  }
}

}  // namespace chemu
