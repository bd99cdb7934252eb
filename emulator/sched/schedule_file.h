// The schedule file `--schedule-out` writes and `--schedule-in` replays. Its first line says what the
// schedule was recorded for: a hash of the image and of the UART input, and the options that shape the
// machine itself (the seed, which also seeds the RNG device, the boot mode, the entry EL). A replay
// checks these before it runs, and every slice's start cycle as it runs, so a schedule recorded for
// another program or other options is refused instead of steering a different run.
//
//   chemu-schedule v2 image=<16 hex> input=<16 hex> seed=N boot=auto|spin-table|all entry-el=0-3
//   # core start_cycle instructions
//   0 0 20000
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sched/interleaver.h"

namespace chemu {

struct ScheduleHeader {
  uint64_t image_hash = 0;  // fnv1a64 of the image file's bytes
  uint64_t input_hash = 0;  // fnv1a64 of the --input bytes (of nothing without --input)
  uint64_t seed = 0;
  std::string boot = "auto";  // as given on the command line
  int entry_el = 0;           // 0: the image's default
  bool operator==(const ScheduleHeader&) const = default;
};

struct Schedule {
  ScheduleHeader header;
  std::vector<ScheduleEntry> slices;
};

uint64_t fnv1a64(std::string_view bytes);

std::string format_schedule(const Schedule& schedule);
// Throws ScheduleMismatch naming the first line that is not as format_schedule writes it.
Schedule parse_schedule(const std::string& text);

}  // namespace chemu
