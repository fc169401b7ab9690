import { queryOptions } from "@tanstack/react-query";
import { api, dataOrThrow } from "../../api/client";

export const bookRowQuery = (bookId: string) =>
  queryOptions({
    queryKey: ["book", bookId, "row"],
    queryFn: () => dataOrThrow(api.GET("/books/{book_id}", { params: { path: { book_id: bookId } } })),
  });
