#include "validators.h"

#include <charconv>
#include <optional>
#include <cmath>
#include <cstdlib>
#include <string>

#include <fmt/format.h>

namespace chemu::cli {

namespace {
// The value of `text` as a decimal or 0x-prefixed hex number, or nothing (a sign, other characters,
// or a value past 2^64-1).
std::optional<uint64_t> parse_whole(const std::string& text) {
  const bool hex = text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
  const char* first = text.data() + (hex ? 2 : 0);
  const char* last = text.data() + text.size();
  uint64_t v = 0;
  const auto [end, ec] = std::from_chars(first, last, v, hex ? 16 : 10);
  if (first == last || ec != std::errc() || end != last) return std::nullopt;
  return v;
}
}  // namespace

CLI::Validator whole_number(uint64_t lo, uint64_t hi) {
  auto check = [lo, hi](std::string& text) -> std::string {
    const std::optional<uint64_t> v = parse_whole(text);
    if (!v || *v < lo || *v > hi) return fmt::format("'{}' is not a whole number from {} to {}", text, lo, hi);
    text = std::to_string(*v);
    return "";
  };
  return CLI::Validator(check, fmt::format("INT in [{} - {}]", lo, hi), "whole_number");
}

CLI::Validator seconds(double hi) {
  auto check = [hi](std::string& text) -> std::string {
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(v) || v <= 0 || v > hi)
      return fmt::format("'{}' is not a number of seconds above 0 and at most {:g}", text, hi);
    return "";
  };
  return CLI::Validator(check, fmt::format("SECONDS in (0 - {:g}]", hi), "seconds");
}

}  // namespace chemu::cli
