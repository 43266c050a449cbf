// The JSON text columns of the licenses table (features, meta). The ledger wrote them itself, so
// a value that does not parse means the row was edited by hand: that is reported, not repaired.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace licet::issuer::store {

std::string to_json_array(const std::vector<std::string>& items);
std::string to_json_object(const std::map<std::string, std::string>& items);
std::vector<std::string> array_from_json(const std::string& text);             // throws sql::Error
std::map<std::string, std::string> object_from_json(const std::string& text);  // throws sql::Error

}  // namespace licet::issuer::store
