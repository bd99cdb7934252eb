// A snapshot of the whole machine between slices (Machine::take_snapshot): each core's engine
// context and chemu's own fields beside it, every device, the console and trace positions, the
// kernel model, the interleaver's position and RNG, the machine's counters, and a mark in the RAM
// journal (RAM itself is not copied: the journal keeps the pages written after the mark).
//
// Objects name what changes as the guest runs in `fields()`, a std::tie of their members; a
// snapshot holds copies of those (Saved<T>) and puts them back by assigning through a new tie.
#pragma once
#include <array>
#include <memory>
#include <optional>
#include <set>
#include <tuple>
#include <vector>

#include "machine/machine.h"

namespace chemu {

template <typename... T>
std::tuple<T...> copy_fields(std::tuple<T&...> refs) {
  return refs;
}
template <typename Obj>
using Saved = decltype(copy_fields(std::declval<Obj&>().fields()));

struct Machine::Snapshot {
  struct CoreSaved {
    Core::EngineContext engine;
    Saved<Core> fields;
  };
  std::vector<CoreSaved> cores;
  Saved<Pl011> uart;
  Saved<VcMailbox> mailbox;
  Saved<SysTimer> sys_timer;
  Saved<AuxMiniUart> aux;
  Saved<ArmCtrl> armctrl;
  Saved<LocalIntc> local_intc;
  Saved<Gpio> gpio;
  Saved<HwRng> hw_rng;
  Saved<PowerManager> power;
  Saved<Cprman> cprman;
  Saved<Console> console;
  Saved<Tracer> tracer;
  std::optional<Saved<ChcoreModel>> model;
  std::unique_ptr<Interleaver> interleaver;
  uint64_t total_instructions, slices;
  size_t schedule_size;
  std::array<uint32_t, kNumCores> irq_lines;
  std::optional<RunResult> result;
  uint64_t counter_seen;
  uint64_t communications;
  std::set<std::pair<uint64_t, bool>> unclaimed_seen;
  size_t journal_mark;

  static std::unique_ptr<Snapshot> of(Machine& m, size_t journal_mark);
  void put_back(Machine& m, const std::vector<uint64_t>& rewritten) const;
};

}  // namespace chemu
