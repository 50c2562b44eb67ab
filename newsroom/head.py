"""HEAD answers as GET does, without the body (uptime monitors and link
checkers use HEAD): views written for GET alone, the API's among them, would
otherwise answer 405."""

from django.http import StreamingHttpResponse


class HeadAsGetMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "HEAD":
            return self.get_response(request)
        request.method = "GET"
        response = self.get_response(request)
        request.method = "HEAD"
        if isinstance(response, StreamingHttpResponse):
            response.close()
            response.streaming_content = []
        elif not response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
            response.content = b""
        else:
            response.content = b""
        return response
