// The schedule file `--schedule-out` writes and `--schedule-in` replays. Its first line says what the
// schedule was recorded for: a hash of the image and of the UART input, and the options that shape the
// machine itself (the seed, which also seeds the RNG device, the boot mode, the entry EL). A replay
// checks these before it runs, and every slice's start cycle as it runs, so a schedule recorded for
// another program or other options is refused instead of steering a different run.
//
//   chemu-schedule v2 image=<16 hex> input=<16 hex> seed=N boot=auto|spin-table|all entry-el=0-3
//   lenient                  (optional: see Schedule::lenient)
//   # core start_cycle instructions end
//   0 0 20000 r
// The fourth column says how the slice ended: `w` the core waited (WFI, WFE) or halted, `s` it spun
// at a fixed point (the spin skip), `r` it could have gone on; a line without it reads as `r`.
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
  // A line `lenient` in the file: a slice naming a core that cannot run is skipped; a slice marked
  // `w` whose core can still run after it goes on (slices of at most the config's quantum) until the
  // core waits, for up to max(its instructions, quantum) more; and after the last slice the run goes
  // on round-robin (the config's quantum, from the core after the last one replayed). Start cycles are
  // not checked. Strict (the default) reports the first and the last as a mismatch, and runs every
  // slice as recorded. `chemu shrink` replays edited schedules leniently; --schedule-out records strict ones.
  bool lenient = false;
};

uint64_t fnv1a64(std::string_view bytes);

std::string format_schedule(const Schedule& schedule);
// Throws ScheduleMismatch naming the first line that is not as format_schedule writes it.
Schedule parse_schedule(const std::string& text);

}  // namespace chemu
