// Option checks CLI11 does not make: its unsigned conversion (strtoull, base 0) takes "-1" as 2^64-1,
// clamps values past 2^64-1 and reads "010" as octal; its number ranges let "nan" through. Each check
// reports the option's value and what it should be, in one line.
#pragma once
#include <cstdint>

#include <CLI/CLI.hpp>

namespace chemu::cli {

// A whole number in decimal (or hex with 0x) from `lo` to `hi`; rewritten to decimal for CLI11.
CLI::Validator whole_number(uint64_t lo, uint64_t hi);

// A finite number of seconds above 0 and at most `hi`.
CLI::Validator seconds(double hi);

}  // namespace chemu::cli
