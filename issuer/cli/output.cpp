#include "cli/output.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "cli/context.hpp"
#include "licet/common/file_io.hpp"
#include "licet/common/text.hpp"
#include "licet/common/time.hpp"

namespace licet::issuer::cli {

std::string safe(std::string_view text) {
  return text::escape_control(text);
}

std::FILE* report_stream(std::string_view out) {
  return out == "-" ? stderr : stdout;
}

std::string time_or(const std::optional<std::int64_t>& t, const std::string& none) {
  return t ? format_rfc3339(*t) : none;
}

namespace {

// Display width of a safe() string: UTF-8 continuation bytes take no column.
std::size_t width_of(const std::string& s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

void write_all(int fd, std::string_view data, const std::string& name) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      throw Failure(core::Code::io_error, "cannot write " + name + ": " +
                                              (err == ENOSPC ? "disk full" : std::strerror(err)));
    }
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace

std::string table(const std::vector<std::string>& header,
                  const std::vector<std::vector<std::string>>& raw_rows) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : raw_rows) {
    std::vector<std::string> cells;
    for (const auto& c : r) cells.push_back(safe(c));
    rows.push_back(std::move(cells));
  }
  std::vector<std::size_t> width(header.size());
  for (std::size_t i = 0; i < header.size(); ++i) width[i] = width_of(header[i]);
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size() && i < width.size(); ++i) {
      width[i] = std::max(width[i], width_of(row[i]));
    }
  }
  std::string out;
  auto line = [&](const std::vector<std::string>& cells) {
    std::string l;
    for (std::size_t i = 0; i < width.size(); ++i) {
      const std::string cell = i < cells.size() ? cells[i] : "";
      l += cell;
      if (i + 1 < width.size()) l += std::string(width[i] - width_of(cell) + 2, ' ');
    }
    while (!l.empty() && l.back() == ' ') l.pop_back();
    out += l + "\n";
  };
  line(header);
  std::vector<std::string> rule;
  for (auto w : width) rule.emplace_back(w, '-');
  line(rule);
  for (const auto& row : rows) line(row);
  return out;
}

std::string write_output(const std::filesystem::path& path, std::string_view data) {
  if (path == "-") {
    write_all(STDOUT_FILENO, data, "standard output");
    return "standard output";
  }
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode))
      throw Failure(core::Code::io_error, "cannot write " + path.string() + ": it is a directory");
    if (S_ISLNK(st.st_mode)) {
      std::error_code ec;
      const auto target = std::filesystem::weakly_canonical(path, ec);
      if (ec) throw Failure(core::Code::io_error, "cannot resolve the link " + path.string());
      return write_output(target, data);
    }
    if (!S_ISREG(st.st_mode)) {
      // A device or a FIFO is written to, never replaced by a regular file.
      const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
      if (fd < 0)
        throw Failure(core::Code::io_error,
                      "cannot write " + path.string() + ": " + std::strerror(errno));
      try {
        write_all(fd, data, path.string());
      } catch (...) {
        ::close(fd);
        throw;
      }
      ::close(fd);
      return path.string();
    }
  }
  if (auto r = write_file_atomic(path, data, 0644); !r) {
    throw Failure(core::Code::io_error, "cannot write " + path.string() + ": " + r.error().message);
  }
  return path.string();
}

}  // namespace licet::issuer::cli
