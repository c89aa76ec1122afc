#pragma once
// Small text helpers shared by messages, option parsing and reports.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ims {

std::string join(const std::vector<std::string>& items, std::string_view separator);
std::vector<std::string> split(std::string_view text, char separator);
std::string trim(std::string_view text);
/// ASCII upper case ("q" -> "Q"), for help texts.
std::string to_upper(std::string_view text);

/// Levenshtein distance, for "did you mean" hints.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The closest of `candidates` to `word`, or "" when none is close enough.
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

/// `unknown <what> 'fomat' (valid: a, b, c); did you mean 'format'?`
std::string unknown_name_message(std::string_view what, std::string_view name,
                                 const std::vector<std::string>& valid);

/// "1.5 GiB", "256 MiB", "812 B" (binary units, as --memory accepts them).
std::string format_bytes(std::uint64_t bytes);

/// Parses "256M", "1.5G", "512MiB", "4096" (bytes; K/M/G/T are powers of 1024).
/// Throws a usage ims::Error naming `what` on malformed input.
std::uint64_t parse_size(std::string_view text, std::string_view what);

/// Strict integer and floating-point parsing (whole string, no trailing junk).
bool parse_int(std::string_view text, std::int64_t& out);
bool parse_double(std::string_view text, double& out);

}  // namespace ims
