// This machine's raw device components. Linux reads files (device_linux.cpp); Windows and macOS
// ask the OS. Only the Linux branch is built and tested in CI.
#include "device_id.hpp"

#if defined(_WIN32)
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <iphlpapi.h>
#include <windows.h>
#include <winsock2.h>

#include <algorithm>
#include <cstdio>
#include <vector>
#elif defined(__APPLE__)
#include <CoreFoundation/CoreFoundation.h>
#include <IOKit/IOKitLib.h>
#include <ifaddrs.h>
#include <net/if_dl.h>
#include <net/if_types.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstdio>
#include <vector>
#endif

namespace licet::device {
namespace {

#if defined(_WIN32) || defined(__APPLE__)
std::optional<std::string> format_mac(const unsigned char* b, std::size_t n) {
  if (n != 6) return std::nullopt;
  if (std::all_of(b, b + n, [](unsigned char c) { return c == 0; })) return std::nullopt;
  char buf[18];
  std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3], b[4],
                b[5]);
  return std::string(buf);
}

std::string lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}
#endif

#if defined(_WIN32)
std::string narrow(const wchar_t* w) {
  const int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, nullptr, 0, nullptr, nullptr);
  if (n <= 1) return {};
  std::string out(static_cast<std::size_t>(n), '\0');
  WideCharToMultiByte(CP_UTF8, 0, w, -1, out.data(), n, nullptr, nullptr);
  out.resize(static_cast<std::size_t>(n - 1));
  return out;
}

std::optional<std::string> machine_guid() {
  wchar_t buf[128];
  DWORD size = sizeof buf;
  // The 64-bit view: a 32-bit process would otherwise read the (absent) WOW64 copy.
  if (RegGetValueW(HKEY_LOCAL_MACHINE, L"SOFTWARE\\Microsoft\\Cryptography", L"MachineGuid",
                   RRF_RT_REG_SZ | RRF_SUBKEY_WOW6464KEY, nullptr, buf, &size) != ERROR_SUCCESS) {
    return std::nullopt;
  }
  std::string guid = lower(narrow(buf));
  if (guid.empty()) return std::nullopt;
  return guid;
}

std::optional<std::string> system_volume_serial() {
  wchar_t windir[MAX_PATH];
  const UINT n = GetSystemWindowsDirectoryW(windir, MAX_PATH);
  if (n < 3 || n >= MAX_PATH) return std::nullopt;
  const wchar_t root[] = {windir[0], L':', L'\\', L'\0'};
  DWORD serial = 0;
  if (!GetVolumeInformationW(root, nullptr, 0, &serial, nullptr, nullptr, nullptr, 0)) {
    return std::nullopt;
  }
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08lx", static_cast<unsigned long>(serial));
  return std::string(buf);
}

std::optional<std::string> primary_mac() {
  ULONG size = 16 * 1024;
  std::vector<unsigned char> buf;
  ULONG rc = ERROR_BUFFER_OVERFLOW;
  for (int tries = 0; tries < 3 && rc == ERROR_BUFFER_OVERFLOW; ++tries) {
    buf.resize(size);
    rc = GetAdaptersAddresses(AF_UNSPEC,
                              GAA_FLAG_SKIP_ANYCAST | GAA_FLAG_SKIP_MULTICAST |
                                  GAA_FLAG_SKIP_DNS_SERVER | GAA_FLAG_SKIP_UNICAST,
                              nullptr, reinterpret_cast<IP_ADAPTER_ADDRESSES*>(buf.data()), &size);
  }
  if (rc != NO_ERROR) return std::nullopt;
  // Physical Ethernet and Wi-Fi adapters, in adapter-name (GUID) order so the pick is stable.
  std::vector<std::pair<std::string, std::string>> found;
  for (auto* a = reinterpret_cast<IP_ADAPTER_ADDRESSES*>(buf.data()); a != nullptr; a = a->Next) {
    if (a->IfType != IF_TYPE_ETHERNET_CSMACD && a->IfType != IF_TYPE_IEEE80211) continue;
    auto mac = format_mac(a->PhysicalAddress, a->PhysicalAddressLength);
    if (mac && a->AdapterName != nullptr) found.emplace_back(a->AdapterName, *mac);
  }
  if (found.empty()) return std::nullopt;
  std::sort(found.begin(), found.end());
  return found.front().second;
}
#elif defined(__APPLE__)
std::optional<std::string> platform_property(CFStringRef key) {
#if defined(MAC_OS_VERSION_12_0)
  const mach_port_t port = kIOMainPortDefault;
#else
  const mach_port_t port = kIOMasterPortDefault;
#endif
  io_service_t service =
      IOServiceGetMatchingService(port, IOServiceMatching("IOPlatformExpertDevice"));
  if (service == 0) return std::nullopt;
  std::optional<std::string> out;
  CFTypeRef value = IORegistryEntryCreateCFProperty(service, key, kCFAllocatorDefault, 0);
  if (value != nullptr) {
    if (CFGetTypeID(value) == CFStringGetTypeID()) {
      char buf[256];
      if (CFStringGetCString(static_cast<CFStringRef>(value), buf, sizeof buf,
                             kCFStringEncodingUTF8)) {
        std::string s = lower(buf);
        if (!s.empty()) out = s;
      }
    }
    CFRelease(value);
  }
  IOObjectRelease(service);
  return out;
}

std::optional<std::string> primary_mac() {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return std::nullopt;
  std::vector<std::pair<std::string, std::string>> found;  // name, mac
  for (ifaddrs* i = list; i != nullptr; i = i->ifa_next) {
    if (i->ifa_addr == nullptr || i->ifa_addr->sa_family != AF_LINK) continue;
    const auto* sdl = reinterpret_cast<const sockaddr_dl*>(i->ifa_addr);
    if (sdl->sdl_type != IFT_ETHER) continue;
    const std::string name = i->ifa_name;
    // en* are the built-in and USB/Thunderbolt NICs; bridges, awdl and utun are virtual.
    if (name.compare(0, 2, "en") != 0) continue;
    auto mac = format_mac(reinterpret_cast<const unsigned char*>(LLADDR(sdl)), sdl->sdl_alen);
    if (mac) found.emplace_back(name, *mac);
  }
  freeifaddrs(list);
  if (found.empty()) return std::nullopt;
  std::sort(found.begin(), found.end());  // en0 first: the built-in interface
  return found.front().second;
}
#endif

}  // namespace

RawComponents platform_components() {
#if defined(_WIN32)
  return {machine_guid(), system_volume_serial(), primary_mac()};
#elif defined(__APPLE__)
  return {platform_property(CFSTR("IOPlatformUUID")),
          platform_property(CFSTR("IOPlatformSerialNumber")), primary_mac()};
#else
  return device_components("/");
#endif
}

}  // namespace licet::device
