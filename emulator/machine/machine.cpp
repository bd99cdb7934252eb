#include "machine/machine.h"

#include <algorithm>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace chemu {

Machine::Machine(const MachineConfig& config)
    : config_(config), console_(config.console_out), uart_(console_, *this), mailbox_(ram_, *this) {
  bus_.add(Pl011::kBase, Pl011::kSize, uart_);
  bus_.add(VcMailbox::kBase, VcMailbox::kSize, mailbox_);
  for (int i = 0; i < kNumCores; ++i) cores_[size_t(i)] = std::make_unique<Core>(i, ram_, *this);
  interleaver_ = std::make_unique<RoundRobin>(config_.quantum);
  console_.set_line_listener([this](int core, std::string_view line) {
    tracer_.emit(core, cores_[size_t(core)]->cycles(), EventKind::UartLine, fmt::format("\"{}\"", line));
  });
}

Machine::~Machine() = default;

void Machine::load(const std::string& path) { boot(load_image(path, ram_)); }
void Machine::load_bytes(const std::string& image) { boot(load_image_bytes(image, ram_)); }

void Machine::boot(const LoadedImage& image) {
  const bool spin = config_.boot == BootMode::SpinTable || (config_.boot == BootMode::Auto && !image.is_elf);
  for (auto& c : cores_) {
    if (c->id() == 0 || !spin) c->start_at(image.entry);
    else c->set_state(CoreState::SpinTable);
  }
}

Runnable Machine::runnable() const {
  Runnable r{};
  for (int i = 0; i < kNumCores; ++i) r[size_t(i)] = cores_[size_t(i)]->state() == CoreState::Running;
  return r;
}

uint64_t Machine::now() const {
  uint64_t t = 0;
  for (const auto& c : cores_) t = std::max(t, c->cycles());
  return t;
}

RunResult Machine::run() {
  while (!result_) {
    const Runnable r = runnable();
    if (std::none_of(r.begin(), r.end(), [](bool b) { return b; })) {
      result_ = RunResult{RunResult::End::GuestError, kExitGuestError, "every core is waiting and nothing can wake them"};
      tracer_.emit(-1, now(), EventKind::GuestError, "deadlock: every core is waiting");
      break;
    }
    const Slice s = interleaver_->next(r);
    Core& c = core(s.core);
    uint64_t budget = s.budget;
    if (config_.max_instructions) budget = std::min(budget, config_.max_instructions - total_instructions_);
    tracer_.emit(c.id(), c.cycles(), EventKind::SliceStart, fmt::format("budget={}", budget));
    const Core::SliceResult res = c.run(budget);
    total_instructions_ += res.instructions;
    tracer_.emit(c.id(), c.cycles(), EventKind::SliceEnd, fmt::format("ran={}", res.instructions));
    settle(c, res);
    if (!result_ && config_.max_instructions && total_instructions_ >= config_.max_instructions) {
      tracer_.emit(-1, now(), EventKind::Limit, fmt::format("instructions={}", total_instructions_));
      result_ = RunResult{RunResult::End::Limit, kExitLimit, fmt::format("stopped after {} instructions (--max-instructions)", total_instructions_)};
    }
  }
  console_.flush();
  tracer_.finish();
  return *result_;
}

void Machine::settle(Core& c, const Core::SliceResult& r) {
  switch (r.reason) {
    case StopReason::Budget: break;
    case StopReason::Wfi:
    case StopReason::Wfe:
      c.set_state(r.reason == StopReason::Wfi ? CoreState::Wfi : CoreState::Wfe);
      tracer_.emit(c.id(), c.cycles(), EventKind::Park, fmt::format("{} pc={:#x}", core_state_name(c.state()), c.pc()));
      break;
    case StopReason::Halt:
      c.set_state(CoreState::Halted);
      break;
  }
}

// ---- CoreHost ---------------------------------------------------------------------------------

std::optional<uint64_t> Machine::mmio_read(int core, uint64_t pa, unsigned size) { return bus_.read(core, pa, size); }
bool Machine::mmio_write(int core, uint64_t pa, unsigned size, uint64_t value) { return bus_.write(core, pa, size, value); }

// SEV: every core's event register is set; cores parked in WFE wake; spin-table cores look at their slot.
void Machine::send_event(int by_core) {
  for (auto& c : cores_) {
    c->set_event();
    if (c->state() == CoreState::Wfe) {
      c->set_state(CoreState::Running);
      tracer_.emit(c->id(), c->cycles(), EventKind::Wake, fmt::format("event from core {}", by_core));
    }
  }
  release_spin_table_cores(by_core);
}

void Machine::release_spin_table_cores(int by_core) {
  for (auto& c : cores_) {
    if (c->state() != CoreState::SpinTable) continue;
    const uint64_t entry = ram_.load<uint64_t>(kSpinTableSlot0 + 8 * uint64_t(c->id())).value_or(0);
    if (entry == 0) continue;
    c->start_at(entry);
    tracer_.emit(c->id(), c->cycles(), EventKind::SpinRelease, fmt::format("entry={:#x} by core {}", entry, by_core));
  }
}

void Machine::maintenance(int core, bool tlb, bool code) {
  for (auto& c : cores_) {
    if (c->id() == core) continue;
    if (tlb) c->queue_tlb_flush();
    if (code) c->queue_code_flush();
  }
}

void Machine::semihost_exit(int, int status) {
  if (!result_) result_ = RunResult{RunResult::End::GuestExit, status, ""};
}

void Machine::console_write(int core, std::string_view text) { console_.write(core, text); }

void Machine::fatal_guest_error(int core, const std::string& what) {
  tracer_.emit(core, cores_[size_t(core)]->cycles(), EventKind::GuestError, what);
  if (!result_) result_ = RunResult{RunResult::End::GuestError, kExitGuestError, "guest error: " + what};
}

void Machine::guest_error(int core, std::string_view device, std::string_view what) {
  const std::string line = fmt::format("{}: {}: {}", cores_[size_t(core)]->where(), device, what);
  spdlog::warn("guest error: {}", line);
  tracer_.emit(core, cores_[size_t(core)]->cycles(), EventKind::GuestError, line);
}

}  // namespace chemu
