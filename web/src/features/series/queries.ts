import { queryOptions } from "@tanstack/react-query";
import { api } from "../../api/client";
import type { BookRow, Page, SeriesRow } from "../../api/types";

export const seriesRowQuery = (seriesId: string) =>
  queryOptions({
    queryKey: ["seriesDetail", seriesId, "row"],
    queryFn: () => api.get<SeriesRow>(`/series/${seriesId}`),
  });

export const seriesBooksQuery = (seriesId: string) =>
  queryOptions({
    queryKey: ["seriesDetail", seriesId, "books"],
    queryFn: () => api.get<Page<BookRow>>(`/series/${seriesId}/books`, { limit: 200 }),
  });
