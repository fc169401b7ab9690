export function PluginsPage() {
  return null;
}
