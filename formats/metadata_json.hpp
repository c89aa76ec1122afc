#pragma once
// Typed metadata <-> JSON, for formats whose sidecars are JSON (binary). Maps
// become objects, arrays {"dtype": ..., "shape": [...], "data": [...]}; bool,
// int, float and string map to their JSON types, so the round trip keeps them.

#include <nlohmann/json.hpp>

#include "ims/metadata.hpp"

namespace ims {

nlohmann::ordered_json metadata_to_json(const Metadata& metadata);

/// Throws a format ims::Error (naming `where`) on values it cannot type.
Metadata metadata_from_json(const nlohmann::ordered_json& json, const std::string& where);

}  // namespace ims
