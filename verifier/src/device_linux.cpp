// Linux device components, read from files below a root directory so tests can fake a machine.
#include <algorithm>
#include <fstream>
#include <sstream>
#include <system_error>
#include <vector>

#include "device_id.hpp"

namespace licet::device {
namespace fs = std::filesystem;
namespace {

// Small sysfs/procfs/etc files only; anything longer is not what we are looking for.
constexpr std::size_t kMaxRead = 64 * 1024;

std::optional<std::string> read_small(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string data(kMaxRead + 1, '\0');
  in.read(data.data(), static_cast<std::streamsize>(data.size()));
  const auto n = static_cast<std::size_t>(in.gcount());
  if (n > kMaxRead) return std::nullopt;
  data.resize(n);
  return data;
}

std::string trim(std::string s) {
  const auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && ws(s.back())) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && ws(s[i])) ++i;
  return s.substr(i);
}

std::string lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

// The path `p` (absolute on the real machine) inside `root`.
fs::path under(const fs::path& root, const fs::path& p) {
  return root / p.relative_path();
}

std::optional<std::string> machine_id(const fs::path& root) {
  for (const char* candidate : {"/etc/machine-id", "/var/lib/dbus/machine-id"}) {
    auto text = read_small(under(root, candidate));
    if (!text) continue;
    std::string id = lower(trim(*text));
    // systemd writes "uninitialized" during first boot; an empty file is an image template.
    if (id.empty() || id == "uninitialized") continue;
    return id;
  }
  return std::nullopt;
}

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  for (std::string f; in >> f;) out.push_back(f);
  return out;
}

// "\040" style escapes in mountinfo paths.
std::string unescape_mount(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() &&
        std::all_of(s.begin() + static_cast<std::ptrdiff_t>(i) + 1,
                    s.begin() + static_cast<std::ptrdiff_t>(i) + 4,
                    [](char c) { return c >= '0' && c <= '7'; })) {
      out += static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

struct RootMount {
  std::string dev;     // "major:minor"
  std::string source;  // e.g. "/dev/sda1"
};

// The last mount of "/" in mountinfo is the one in effect (later mounts hide earlier ones).
std::optional<RootMount> root_mount(const fs::path& root) {
  auto text = read_small(under(root, "/proc/self/mountinfo"));
  if (!text) return std::nullopt;
  std::optional<RootMount> found;
  std::istringstream in(*text);
  for (std::string line; std::getline(in, line);) {
    const auto f = split(line);
    // id parent major:minor root mountpoint options [optional...] - fstype source superoptions
    if (f.size() < 7 || f[4] != "/") continue;
    const auto sep = std::find(f.begin() + 6, f.end(), "-");
    if (sep == f.end() || std::distance(sep, f.end()) < 3) continue;
    found = RootMount{f[2], unescape_mount(*(sep + 2))};
  }
  return found;
}

bool valid_uuid_text(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '-';
  });
}

std::optional<std::string> root_fs_uuid(const fs::path& root) {
  const auto mount = root_mount(root);
  if (!mount) return std::nullopt;
  std::error_code ec;

  // udev's database records the filesystem UUID of every block device it has probed.
  if (auto db = read_small(under(root, "/run/udev/data/b" + mount->dev))) {
    std::istringstream in(*db);
    for (std::string line; std::getline(in, line);) {
      constexpr std::string_view kKey = "E:ID_FS_UUID=";
      if (line.compare(0, kKey.size(), kKey) == 0) {
        std::string uuid = lower(trim(line.substr(kKey.size())));
        if (valid_uuid_text(uuid)) return uuid;
      }
    }
  }

  // Otherwise: the /dev/disk/by-uuid symlink that points at the root device's node.
  std::vector<std::string> names;
  if (auto uevent = read_small(under(root, "/sys/dev/block/" + mount->dev + "/uevent"))) {
    std::istringstream in(*uevent);
    for (std::string line; std::getline(in, line);) {
      if (line.compare(0, 8, "DEVNAME=") == 0)
        names.push_back(fs::path(trim(line.substr(8))).filename().string());
    }
  }
  if (mount->source.compare(0, 5, "/dev/") == 0) {
    const fs::path src(mount->source);
    names.push_back(src.filename().string());
    const auto target = fs::read_symlink(under(root, src), ec);  // /dev/mapper/x -> ../dm-0
    if (!ec) names.push_back(target.filename().string());
  }
  names.erase(std::remove(names.begin(), names.end(), std::string()), names.end());
  if (names.empty()) return std::nullopt;

  std::vector<std::pair<std::string, std::string>> links;  // uuid, target name
  for (fs::directory_iterator it(under(root, "/dev/disk/by-uuid"), ec), end; !ec && it != end;
       it.increment(ec)) {
    std::error_code lec;
    const auto target = fs::read_symlink(it->path(), lec);
    if (lec) continue;
    links.emplace_back(it->path().filename().string(), target.filename().string());
  }
  std::sort(links.begin(), links.end());  // directory order is not stable
  for (const auto& name : names) {
    for (const auto& [uuid, target] : links) {
      if (target == name && valid_uuid_text(uuid)) return lower(uuid);
    }
  }
  return std::nullopt;
}

bool virtual_interface(const std::string& name) {
  for (std::string_view prefix : {"docker", "veth", "virbr", "br-", "vnet", "tun", "tap"}) {
    if (name.compare(0, prefix.size(), prefix) == 0) return true;
  }
  return name == "lo";
}

std::optional<std::string> primary_mac(const fs::path& root) {
  std::error_code ec;
  std::vector<std::string> names;
  for (fs::directory_iterator it(under(root, "/sys/class/net"), ec), end; !ec && it != end;
       it.increment(ec)) {
    names.push_back(it->path().filename().string());
  }
  std::sort(names.begin(), names.end());
  for (const auto& name : names) {
    if (virtual_interface(name)) continue;
    const fs::path dir = under(root, "/sys/class/net") / name;
    // Only interfaces backed by hardware have a `device` link (bridges, bonds, ifb do not).
    std::error_code dec;
    if (!fs::exists(fs::symlink_status(dir / "device", dec))) continue;
    // A randomly assigned MAC (addr_assign_type 1) changes at every boot.
    if (auto type = read_small(dir / "addr_assign_type"); type && trim(*type) == "1") continue;
    auto addr = read_small(dir / "address");
    if (!addr) continue;
    std::string mac = lower(trim(*addr));
    if (mac.empty() || mac == "00:00:00:00:00:00") continue;
    return mac;
  }
  return std::nullopt;
}

}  // namespace

RawComponents device_components(const fs::path& root) {
  return {machine_id(root), root_fs_uuid(root), primary_mac(root)};
}

}  // namespace licet::device
