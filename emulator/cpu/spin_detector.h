// Finds a core spinning at a fixed point, so its slice can end without running the spin.
//
// Only one core runs at a time, so while it runs nothing else changes memory. If it reaches the same
// loop head twice with the same registers, and in between ran only instructions that read memory
// into registers (no store, exclusive, system register, exception, WFE/WFI/SEV, FP/SIMD), touched
// no device and took no exception, then the next iteration starts from the same state as the last one: it runs the same
// blocks, costs the same instructions and cycles, and so does every iteration after it. The core
// (Core::skip_spin) then charges the iterations that fit below its budget and deadline and lets the
// last partial one run for real, so the slice ends where and when it would have.
//
// Candidates are found cheaply: the block hook calls arrive() only at the target of a backward
// branch (every loop has one); a head reached kFirstLook times in a row is examined: mark() at one
// arrival, then at the next the iteration in between is checked. A loop that keeps changing its
// registers (a countdown, a copy) is examined again after twice as many arrivals each time, and
// one with effects not again until another loop starts, so ordinary loops cost a few compares.
#pragma once
#include <array>
#include <cstdint>
#include <optional>

namespace chemu {

class SpinDetector {
 public:
  // Everything an iteration of an effect-free loop can read besides memory and PC: X0-X30, SP,
  // NZCV and the rest of PSTATE (FP/SIMD registers cannot be read: such loops are never examined).
  using Registers = std::array<uint64_t, 34>;
  // The core's counters at a loop head.
  struct Progress {
    uint64_t instructions;     // in this slice
    uint64_t cycles;
    uint64_t device_accesses;  // MMIO reads and writes so far
    uint64_t exceptions;       // exceptions the engine reported so far (a faulting load, for one)
  };
  struct Iteration {
    uint64_t instructions, cycles;
  };
  enum class Action { None, Mark, Check };

  static constexpr uint32_t kFirstLook = 4;          // arrivals in a row before a head is examined
  static constexpr uint32_t kInnerBranches = 8;      // other backward branches tolerated inside one loop
  static constexpr uint64_t kMaxIteration = 256;     // longer loops are not examined

  // A new stretch of execution (slice start, exception entry): nothing seen counts any more.
  void reset() { *this = SpinDetector{}; }
  // At the target of a backward branch, before its block runs: what to do now. Inline: most
  // arrivals are at the same head with nothing to do yet.
  Action arrive(uint64_t head) {
    if (head == head_ && !marked_ && arrivals_ + 1 < next_look_) {
      ++arrivals_;
      other_arrivals_ = 0;
      return Action::None;
    }
    return arrive_and_decide(head);
  }
  // The start of the examined iteration.
  void mark(const Progress& now, const Registers& regs) {
    marked_ = true;
    mark_ = now;
    regs_ = regs;
  }
  // The end of the examined iteration: `flags_seen` ORs the block_flag bits of every block run since
  // mark(). Returns the iteration if the core is at a fixed point; registers are read (`read()`)
  // only if nothing else disqualifies it.
  template <typename ReadRegisters>
  std::optional<Iteration> check(const Progress& now, uint16_t flags_seen, ReadRegisters&& read) {
    marked_ = false;
    const std::optional<Iteration> it = effect_free_iteration(now, flags_seen);
    if (!it) return std::nullopt;
    if (read() != regs_) return back_off(), std::nullopt;  // it still changes something: not yet
    return it;
  }

 private:
  Action arrive_and_decide(uint64_t head);
  std::optional<Iteration> effect_free_iteration(const Progress& now, uint16_t flags_seen);
  void back_off() { next_look_ = arrivals_ * 2; }
  void give_up() { next_look_ = ~0ull; }

  uint64_t head_ = ~0ull;
  uint64_t arrivals_ = 0;         // at head_ by a backward branch
  uint64_t other_arrivals_ = 0;   // at other targets since head_ was last reached
  uint64_t next_look_ = kFirstLook;
  bool marked_ = false;
  Progress mark_{};
  Registers regs_{};
};

}  // namespace chemu
