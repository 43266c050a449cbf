#include "net/curl_api.hpp"

#ifdef LICET_WITH_CURL

#include <dlfcn.h>

#include <mutex>

namespace licet::net {
namespace {

template <class F>
bool resolve(void* handle, const char* name, F& out, std::string& why) {
  void* symbol = ::dlsym(handle, name);
  if (symbol == nullptr) {
    why = std::string("libcurl has no ") + name + " (too old?)";
    return false;
  }
  // POSIX guarantees that a function's address survives the round trip through void*.
  out = reinterpret_cast<F>(symbol);
  return true;
}

}  // namespace

bool load_curl_api(const char* soname, CurlApi& api, std::string& why) {
  void* handle = ::dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* err = ::dlerror();
    why = std::string("cannot load ") + soname + " (" + (err != nullptr ? err : "not found") +
          "): install libcurl (Debian, Ubuntu: libcurl4) to go online";
    return false;
  }
  CurlApi loaded;
  const bool all = resolve(handle, "curl_global_init", loaded.global_init, why) &&
                   resolve(handle, "curl_easy_init", loaded.easy_init, why) &&
                   resolve(handle, "curl_easy_setopt", loaded.easy_setopt, why) &&
                   resolve(handle, "curl_easy_perform", loaded.easy_perform, why) &&
                   resolve(handle, "curl_easy_cleanup", loaded.easy_cleanup, why) &&
                   resolve(handle, "curl_easy_getinfo", loaded.easy_getinfo, why) &&
                   resolve(handle, "curl_easy_strerror", loaded.easy_strerror, why) &&
                   resolve(handle, "curl_slist_append", loaded.slist_append, why) &&
                   resolve(handle, "curl_slist_free_all", loaded.slist_free_all, why) &&
                   resolve(handle, "curl_version_info", loaded.version_info, why);
  if (!all) {
    ::dlclose(handle);
    return false;
  }
  if (loaded.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    why = std::string(soname) + " failed to initialise";
    return false;  // the handle stays open: libcurl may have started threads or TLS state
  }
  api = loaded;
  return true;
}

const CurlApi* curl_api(std::string* why) {
  // Loaded at most once per process: dlopen and curl_global_init are not for every request,
  // and a library that failed to load does not appear later.
  static std::once_flag once;
  static CurlApi api;
  static bool loaded = false;
  static std::string failure;
  std::call_once(once, [] { loaded = load_curl_api(kCurlLibrary, api, failure); });
  if (!loaded) {
    if (why != nullptr) *why = failure;
    return nullptr;
  }
  return &api;
}

}  // namespace licet::net

#endif  // LICET_WITH_CURL
