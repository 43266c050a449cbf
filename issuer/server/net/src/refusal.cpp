#include "licet/server/net/refusal.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace licet::server::net {

Refusal bad_request(std::string message) {
  return Refusal{400, "bad_request", std::move(message), 0};
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 408:
      return "Request Timeout";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 417:
      return "Expectation Failed";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Error";
  }
}

std::string refusal_response(const Refusal& r) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  w.StartObject();
  w.Key("error");
  w.String(r.code.data(), static_cast<rapidjson::SizeType>(r.code.size()));
  w.Key("message");
  w.String(r.message.data(), static_cast<rapidjson::SizeType>(r.message.size()));
  w.EndObject();
  std::string out =
      "HTTP/1.1 " + std::to_string(r.status) + " " + std::string(reason_phrase(r.status)) +
      "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(sb.GetSize()) +
      "\r\nConnection: close\r\n";
  if (r.retry_after > 0) out += "Retry-After: " + std::to_string(r.retry_after) + "\r\n";
  out += "\r\n";
  out.append(sb.GetString(), sb.GetSize());
  return out;
}

}  // namespace licet::server::net
