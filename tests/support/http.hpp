// HTTP for tests: JSON requests to a real server on 127.0.0.1 and their answers.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>
#include <rapidjson/document.h>

#include <string>

#include "licet/common/json.hpp"

namespace licet::test {

inline rapidjson::Document parse_json(const std::string& text) {
  auto doc = licet::json::parse_object(text);
  if (!doc) {
    ADD_FAILURE() << "not a JSON object: " << text;
    rapidjson::Document empty;
    empty.SetObject();
    return empty;
  }
  return std::move(*doc);
}

inline std::string member(const rapidjson::Document& d, const char* name) {
  auto it = d.FindMember(name);
  if (it == d.MemberEnd() || !it->value.IsString()) return {};
  return it->value.GetString();
}

struct Answer {
  int status = 0;
  std::string body;
  std::string error;          // "error" member, if any
  std::string status_member;  // "status" member, if any
  httplib::Headers headers;
};

// An HTTP result as the tests read it; a missing answer fails the test and yields status 0.
inline Answer to_answer(const char* method, const std::string& path, const httplib::Result& r) {
  Answer a;
  if (!r) {
    ADD_FAILURE() << "no answer to " << method << " " << path << ": "
                  << httplib::to_string(r.error());
    return a;
  }
  a.status = r->status;
  a.body = r->body;
  a.headers = r->headers;
  if (!r->body.empty() && r->body.front() == '{') {
    auto d = parse_json(r->body);
    a.error = member(d, "error");
    a.status_member = member(d, "status");
  }
  return a;
}

inline Answer post(httplib::Client& c, const std::string& path, const std::string& body,
                   const std::string& type = "application/json",
                   const httplib::Headers& headers = {}) {
  return to_answer("POST", path, c.Post(path.c_str(), headers, body, type.c_str()));
}

inline Answer get(httplib::Client& c, const std::string& path,
                  const httplib::Headers& headers = {}) {
  return to_answer("GET", path, c.Get(path.c_str(), headers));
}

inline httplib::Headers bearer(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

}  // namespace licet::test
