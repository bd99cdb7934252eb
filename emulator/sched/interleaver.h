// The interleaver decides which core runs next and for how many instructions. It is the only source
// of ordering between cores and a pure function of its seed and of which cores can run, so a run can
// be repeated exactly, or replayed from the schedule it recorded.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "sched/rng.h"

namespace chemu {

constexpr int kNumCores = 4;
using Runnable = std::array<bool, kNumCores>;

struct Slice {
  int core;
  uint64_t budget;  // instructions
  std::optional<uint64_t> start_cycle = std::nullopt;  // a replay: the core's cycle counter must read this
  uint64_t communication_limit = 0;  // pct-comm: end the slice right after this many communication events
};

class Interleaver {
 public:
  virtual ~Interleaver() = default;
  // Precondition: at least one core is runnable.
  virtual Slice next(const Runnable& runnable) = 0;
  // The slice just run had this many communication events (counted only under pct-comm).
  virtual void slice_ended(uint64_t /*communications*/) {}
  // The slice just run ended with its core waiting (WFI, WFE) or halted.
  virtual void core_waited(int /*core*/) {}
  // A copy at the same position, drawing the same slices from here on (machine snapshots).
  virtual std::unique_ptr<Interleaver> clone() const = 0;
};

// `rr`: fixed quantum, cores in turn.
class RoundRobin final : public Interleaver {
 public:
  // `last`: the core taken to have run last (the first slice goes to the next runnable one after it).
  explicit RoundRobin(uint64_t quantum, int last = kNumCores - 1) : quantum_(quantum), last_(last) {}
  Slice next(const Runnable& runnable) override;
  std::unique_ptr<Interleaver> clone() const override { return std::make_unique<RoundRobin>(*this); }

 private:
  uint64_t quantum_;
  int last_;
};

// `random`: a runnable core drawn uniformly, a quantum drawn from [quantum/8, 2*quantum].
class RandomInterleaver final : public Interleaver {
 public:
  RandomInterleaver(uint64_t seed, uint64_t quantum) : rng_(seed), quantum_(quantum) {}
  Slice next(const Runnable& runnable) override;
  std::unique_ptr<Interleaver> clone() const override { return std::make_unique<RandomInterleaver>(*this); }

 private:
  Rng rng_;
  uint64_t quantum_;
};

// `pct`: probabilistic concurrency testing (Burckhardt et al., ASPLOS 2010). Cores get distinct random
// priorities above `depth`; the highest-priority runnable core runs. At depth-1 change points drawn
// from [1, steps] the running core drops to priority i (the i-th change point), below all initial ones.
// PCT assumes a waiting thread blocks; a guest core that spin-waits never does, and a core kept from
// running is a core stalled, which a real chip bounds. So no runnable core waits more than
// kMaxWaitBound slices: once one has waited kMaxWait slices in a row, the core that has waited longest
// runs one slice (the lowest-numbered on a tie). At most kNumCores - 1 cores can be due before it.
//
// `pct-comm` (over_communications): the steps are communication events (Core::communication_event:
// lock and atomic stores, store-release, SEV, IPIs) instead of slices, and the slice in which the
// next change point's event happens ends right after it. A bug of depth d then needs its d-1
// preemptions right after d-1 of the k events where cores talk, which PCT finds with probability at
// least 1/(n k^(d-1)) for k events, not for the (many more) instruction positions.
class PctInterleaver final : public Interleaver {
 public:
  PctInterleaver(uint64_t seed, uint64_t quantum, unsigned depth, uint64_t steps, bool over_communications = false);
  Slice next(const Runnable& runnable) override;
  void slice_ended(uint64_t communications) override {
    if (over_communications_) step_ += communications;
  }
  std::unique_ptr<Interleaver> clone() const override { return std::make_unique<PctInterleaver>(*this); }

 private:
  Rng rng_;
  uint64_t quantum_;
  bool over_communications_;
  std::array<uint64_t, kNumCores> priority_{};
  std::vector<uint64_t> change_points_;  // sorted step numbers
  uint64_t step_ = 0;
  size_t next_change_ = 0;
  std::array<uint64_t, kNumCores> waited_{};  // slices each core has been runnable without running

 public:
  static constexpr uint64_t kMaxWait = 24;
  static constexpr uint64_t kMaxWaitBound = kMaxWait + kNumCores - 1;
};

// One slice as it ran: the record `--schedule-out` writes and `--schedule-in` replays.
struct ScheduleEntry {
  int core;
  uint64_t start_cycle;   // the core's cycle counter when the slice began
  uint64_t instructions;  // retired in the slice
  // The core waited (WFI, WFE) or halted at the end of the slice, so a switch to another core after
  // it was forced; when false the core could have gone on and a switch was the policy's choice (a
  // preemption). Column 4 of the file (`w` / `r`); schedules without it read as `r`.
  bool waited = false;
  // The slice ended spinning at a fixed point (the spin skip charged its rest, docs/timing.md): the
  // core waits for another one, so a switch after it is not counted as a preemption either (`s`).
  bool spun = false;
  bool forced_switch() const { return waited || spun; }
};

struct ScheduleMismatch : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Replays a recorded schedule: the same cores, in the same order, for the same instruction counts.
class ReplayInterleaver final : public Interleaver {
 public:
  explicit ReplayInterleaver(std::vector<ScheduleEntry> entries) : entries_(std::move(entries)) {}
  // Lenient replay (Schedule::lenient in sched/schedule_file.h): past the end, round-robin with `quantum`.
  ReplayInterleaver(std::vector<ScheduleEntry> entries, uint64_t quantum)
      : entries_(std::move(entries)), lenient_(true), quantum_(quantum) {}
  Slice next(const Runnable& runnable) override;  // throws ScheduleMismatch when strict
  // Lenient: a `w` slice whose core did wait is not extended, even when something woke the core at
  // once (a pending event under WFE): the recorded schedule replays leniently as it ran.
  void core_waited(int core) override {
    if (core == until_wait_core_) until_wait_core_ = -1;
  }
  std::unique_ptr<Interleaver> clone() const override;

 private:
  std::vector<ScheduleEntry> entries_;
  size_t pos_ = 0;
  bool lenient_ = false;
  uint64_t quantum_ = 0;
  std::unique_ptr<RoundRobin> after_;  // lenient: the continuation past the last slice
  int until_wait_core_ = -1;           // lenient: the core of the last `w` slice, going on until it waits
  uint64_t until_wait_left_ = 0;       // instructions it may still get that way
};

// Preemptions in a recorded schedule: switches to another core after a slice whose core could have
// gone on (neither `waited` nor `spun`). Those are the switches the policy chose; `chemu shrink` minimises them.
size_t count_preemptions(const std::vector<ScheduleEntry>& entries);

}  // namespace chemu
