import { notifications } from "@mantine/notifications";

const SUCCESS_CLOSE_MS = 4000;

type Colour = "green" | "blue" | "yellow" | "red" | "gray";

interface ToastOptions {
  id?: string;
}

function show(color: Colour, title: string, message: string, options: ToastOptions = {}): void {
  // Errors stay until dismissed; everything else closes on its own (web-ui §4.2).
  const sticky = color === "red";
  notifications.show({
    id: options.id,
    color,
    title,
    message: message || undefined,
    autoClose: sticky ? false : SUCCESS_CLOSE_MS,
    role: sticky ? "alert" : "status",
  });
}

/** The toast catalogue's colours, named for what they mean. */
export const toast = {
  success: (title: string, message = "", options?: ToastOptions) => show("green", title, message, options),
  info: (title: string, message = "", options?: ToastOptions) => show("blue", title, message, options),
  warning: (title: string, message = "", options?: ToastOptions) => show("yellow", title, message, options),
  error: (title: string, message = "", options?: ToastOptions) => show("red", title, message, options),
  neutral: (title: string, message = "", options?: ToastOptions) => show("gray", title, message, options),
};
