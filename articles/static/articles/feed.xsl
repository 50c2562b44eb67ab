<?xml version="1.0" encoding="utf-8"?>
<!-- How a feed reads when someone opens it in a browser: what it is, how to
     follow it, and its stories. Feed readers ignore this. -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:atom="http://www.w3.org/2005/Atom">
  <xsl:output method="html" encoding="utf-8" doctype-system="about:legacy-compat"/>
  <xsl:variable name="title" select="/rss/channel/title | /atom:feed/atom:title"/>
  <xsl:template match="/">
    <html lang="en">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="$title"/> (feed)</title>
      </head>
      <body>
        <main>
          <p><strong>This is a news feed. To follow it, copy this
          page's address into your feed reader.</strong></p>
          <h1><xsl:value-of select="$title"/></h1>
          <ul>
            <xsl:for-each select="/rss/channel/item">
              <li><a href="{link}"><xsl:value-of select="title"/></a></li>
            </xsl:for-each>
            <xsl:for-each select="/atom:feed/atom:entry">
              <li><a href="{atom:link/@href}"><xsl:value-of select="atom:title"/></a></li>
            </xsl:for-each>
          </ul>
        </main>
      </body>
    </html>
  </xsl:template>
</xsl:stylesheet>
