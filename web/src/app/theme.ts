import { createTheme, Drawer, Modal } from "@mantine/core";

// Mantine's close buttons are icon-only; every modal and drawer names its own (web-ui §6.1).
const closeButtonProps = { "aria-label": "Close" };

export const theme = createTheme({
  primaryColor: "indigo",
  defaultRadius: "sm",
  components: {
    Modal: Modal.extend({ defaultProps: { closeButtonProps } }),
    Drawer: Drawer.extend({ defaultProps: { closeButtonProps } }),
  },
});
